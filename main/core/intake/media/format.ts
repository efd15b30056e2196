// The registry entry for photos, videos and screenshots.
import type { FormatSpec } from '../types';
import { importMedia } from './media-importer';
import { MAX_SIDECAR_BYTES, parseSidecar } from './sidecar';
import { sniffMedia } from './sniff';

const EXTENSIONS = ['jpg', 'jpeg', 'png', 'heic', 'heif', 'webp', 'gif', 'mp4', 'mov', 'm4v', '3gp'];

export const mediaFormat: FormatSpec = {
  id: 'media',
  label: 'Photos, videos and screenshots (JPEG, HEIC, PNG, WebP, GIF, MP4, MOV)',
  extensions: EXTENSIONS,
  categories: ['photo', 'video', 'screenshot'],
  sniff: (head, name) => (sniffMedia(head) ? 'yes' : EXTENSIONS.includes(name.toLowerCase().split('.').pop() ?? '') ? 'maybe' : 'no'),
  importer: importMedia,
};

/**
 * Google Photos sidecar JSON met on its own (an extracted Takeout folder): it is read by
 * the photo it describes (see sidecar.ts), so on its own it yields nothing and says why,
 * instead of being mistaken for a broken Keep note.
 */
export const photoSidecarFormat: FormatSpec = {
  id: 'google-photos-sidecar',
  label: 'Google Photos metadata (.json beside a photo)',
  extensions: [],
  categories: [],
  sniff: (head, name) => {
    if (!name.toLowerCase().endsWith('.json') || head.length > MAX_SIDECAR_BYTES) return 'no';
    const text = head.toString('utf8', 0, Math.min(head.length, 4096));
    return /"(photoTakenTime|geoDataExif)"\s*:/.test(text) ? 'yes' : 'no';
  },
  // eslint-disable-next-line require-yield -- a sidecar yields no items by design; the generator is the Importer shape
  async *importer(input, ctx) {
    const parts: Buffer[] = [];
    for await (const c of input.open()) parts.push(c as Buffer);
    if (!parseSidecar(Buffer.concat(parts))) ctx.refuse('the whole file', 'This looks like Google Photos metadata but is not valid JSON; its photo is imported without it.');
    else ctx.note?.('Google Photos metadata: read together with the photo it describes.');
  },
};
