// Builds a phone-like folder from the real third-party fixtures (read-only originals are
// copied, never edited): DCIM/Camera photos, a screenshot, sms.xml, calls.xml,
// contacts.vcf, calendar.ics and a notes/ folder — the layout the agent understands.
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = '/work/shared/fixtures';

export function buildPhoneFolder(root: string): { files: string[] } {
  const put = (rel: string, from: string): string => {
    const to = join(root, rel);
    mkdirSync(join(to, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, from), to);
    utimesSync(to, new Date('2024-05-01T10:00:00Z'), new Date('2024-05-01T10:00:00Z'));
    return rel;
  };
  const files = [
    put('DCIM/Camera/IMG_20180725_163423.jpg', 'photos/exifr__IMG_20180725_163423-tiny.jpg'),
    put('DCIM/Camera/IMG_0001.heic', 'photos/exifr__heic-iphone7.heic'),
    put('DCIM/Camera/IMG_0002.jpg', 'photos/exifr__issue-exifr-4.jpg'),
    put('DCIM/Camera/gps.png', 'photos/exifr__png_with_exif_and_gps.png'),
    put('Pictures/Screenshots/Screenshot_20180725.png', 'photos/exifr__IMG_20180725_163423-1.png'),
    put('sms.xml', 'messages/sbr2__sms_small.xml'),
    put('calls.xml', 'messages/shruggie__minimal_calls.xml'),
    put('contacts.vcf', 'contacts/ezvcard__John_Doe_ANDROID.vcf'),
    put('calendar.ics', 'calendar/ical4j__Standup.ics'),
  ];
  mkdirSync(join(root, 'notes'), { recursive: true });
  writeFileSync(join(root, 'notes', 'shopping.txt'), 'Milk\nBread\nTomatoes\n');
  files.push('notes/shopping.txt');
  // Things a phone holds that are not synced: hidden thumbnails, an unknown file.
  mkdirSync(join(root, 'DCIM', '.thumbnails'), { recursive: true });
  writeFileSync(join(root, 'DCIM', '.thumbnails', 'x.jpg'), 'thumb');
  writeFileSync(join(root, 'Download.bin'), 'not synced');
  return { files };
}
