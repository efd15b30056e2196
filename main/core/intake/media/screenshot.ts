// Is this image a screenshot? [Note: Screenshot rule] In order, the first that holds wins:
//  1. the file name: "Screenshot_…", "Screenshot …", "Screen Shot …", "Screen_Shot…",
//     "Screenrecorder…"/"Screen Recording …" (videos) — what Android, iOS, macOS and
//     Samsung/Xiaomi write;
//  2. the folder: any path segment named "Screenshots" (Pictures/Screenshots, DCIM/Screenshots);
//  3. the pixels: a PNG with no camera EXIF (no Make/Model/exposure) whose shape is a phone
//     screen's — long/short edge between 1.6 and 2.4 (16:9 up to 21:9, both orientations)
//     and a short edge of 480–1800 px. Camera photos are JPEG/HEIC with camera EXIF; a
//     PNG of exactly screen shape without it is almost always a screen grab.

export type ScreenshotReason = 'file name' | 'folder' | 'png shape without camera EXIF';

const NAME = /^(screenshot[ _-]|screenshot\d|screen[ _]?shot|screen[ _]?recording|screenrecorder|screencast)/i;

export function screenshotReason(path: string, kind: string, hasCameraExif: boolean, width?: number, height?: number): ScreenshotReason | null {
  const parts = path.split(/[\\/]|!\//).filter(Boolean);
  const name = parts[parts.length - 1] ?? '';
  if (NAME.test(name)) return 'file name';
  if (parts.slice(0, -1).some((p) => p.toLowerCase() === 'screenshots')) return 'folder';
  if (kind === 'png' && !hasCameraExif && width && height) {
    const long = Math.max(width, height);
    const short = Math.min(width, height);
    const ratio = long / short;
    if (ratio >= 1.6 && ratio <= 2.4 && short >= 480 && short <= 1800) return 'png shape without camera EXIF';
  }
  return null;
}
