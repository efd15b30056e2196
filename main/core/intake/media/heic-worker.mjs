// Decodes ONE image of a HEIC/HEIF file in a worker thread, off the main event loop (libheif
// as WebAssembly takes ~1 s for a 12 MP photo and would freeze the UI), with its WebAssembly
// memory freed when the worker ends. Input: { buffer, index, maxPixels }. Output: one
// message { width, height, data, count } (data transferred) or { error, tooLarge? }.
// The pixel cap is checked on the declared size BEFORE the RGBA buffer is allocated.
import { parentPort, workerData } from 'node:worker_threads';
import decodeHeic from 'heic-decode';

const { buffer, index, maxPixels } = workerData;

async function run() {
  let images;
  try {
    images = await decodeHeic.all({ buffer: new Uint8Array(buffer) });
  } catch (e) {
    parentPort.postMessage({ error: `The HEIC image could not be read (${String(e && e.message ? e.message : e).slice(0, 120)}).` });
    return;
  }
  try {
    const image = images[index < images.length ? index : 0];
    if (!image) {
      parentPort.postMessage({ error: 'The HEIC file holds no image.' });
      return;
    }
    const { width, height } = image;
    if (!(width > 0 && height > 0) || width * height > maxPixels) {
      parentPort.postMessage({ error: `The HEIC image is ${width}×${height} pixels, above the ${maxPixels / 1e6} M pixel limit for thumbnails; the original is kept.`, tooLarge: true });
      return;
    }
    const decoded = await image.decode();
    const data = decoded.data;
    if (data.length !== width * height * 4) {
      parentPort.postMessage({ error: 'The HEIC decoder returned an image of the wrong size.' });
      return;
    }
    const copy = new Uint8Array(data.length);
    copy.set(data);
    parentPort.postMessage({ width, height, data: copy, count: images.length }, [copy.buffer]);
  } finally {
    images.dispose();
  }
}

run().catch((e) => parentPort.postMessage({ error: `The HEIC decoder failed (${String(e && e.message ? e.message : e).slice(0, 120)}).` }));
