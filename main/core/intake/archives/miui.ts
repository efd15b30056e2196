// Xiaomi/MIUI local backups (.bak). [Note: MIUI backup layout] No public sample exists; the
// layout is public: a text header of five lines —
//   "MIUI BACKUP" / format version / package name / app label / a size or -1 —
// (some MIUI versions add further lines) followed by a standard Android backup stream
// ("ANDROID BACKUP\n…"). Beside the .bak files, descript.xml names the device and MIUI
// version. We find the Android stream by its magic within the first 8 KB, after checking
// the MIUI magic, so extra header lines do not break us.
import { KeepsakeError } from '../../../../common/errors';
import { readAllCapped } from '../media/read-input';
import type { ImportInput } from '../types';

export const MIUI_MAGIC = 'MIUI BACKUP\n';

export interface MiuiHeader {
  version: string;
  packageName: string;
  label: string;
  /** Where "ANDROID BACKUP" starts. */
  androidOffset: number;
}

export function readMiuiHeader(head: Buffer): MiuiHeader {
  if (head.toString('latin1', 0, MIUI_MAGIC.length) !== MIUI_MAGIC) throw new KeepsakeError('UNSUPPORTED', 'This is not a Xiaomi/MIUI backup (.bak) file.');
  const at = head.indexOf('\nANDROID BACKUP\n', MIUI_MAGIC.length - 1, 'latin1');
  if (at < 0) throw new KeepsakeError('CORRUPT', 'This MIUI backup has no Android backup data after its header (damaged or cut off).');
  const lines = head.toString('utf8', MIUI_MAGIC.length, at).split('\n');
  return { version: lines[0] ?? '', packageName: lines[1] ?? '', label: lines[2] ?? '', androidOffset: at + 1 };
}

/** Device facts from descript.xml (plain text search: no XML entities are ever expanded). */
export async function readDescript(input: ImportInput): Promise<Record<string, string>> {
  if (input.size > 1024 * 1024) return {};
  const text = (await readAllCapped(input, 1024 * 1024)).toString('utf8');
  const out: Record<string, string> = {};
  for (const tag of ['device', 'miuiVersion', 'version', 'date', 'deviceName']) {
    const m = new RegExp(`<${tag}>([^<]{0,200})</${tag}>`).exec(text);
    if (m?.[1]) out[tag] = m[1].trim();
  }
  return out;
}
