// Which device an imported file came from (docs/intake.md, "Origin devices"). A backup
// names its phone: an iPhone backup's Info.plist (Device Name, Product Type, its
// identifier), a MIUI backup's descript.xml (device name, model). An adb .ab file names
// nothing, so the backup itself is the device ("Android backup <file>"), keyed by a hash of
// its header bytes so renaming the file does not make a new device. A Takeout archive is
// "Google account (Takeout)". Loose files (a .vcf, an SMS export, photos) stay "This
// computer": where they came from before that is unknown. The id is stable per source,
// so re-importing the same backup finds its items by (device, source key); an item that
// also arrives from another source is matched by fingerprint and gains a second source.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readDescript } from './archives/miui';
import { fileInput } from './records/util';

export interface OriginDevice {
  id: string;
  name: string;
  model: string | null;
  platform: string | null;
}

// eslint-disable-next-line no-control-regex -- control characters from a backup's metadata are exactly what we drop
const clean = (s: string, max = 120) => s.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, max);
const hash = (s: string | Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Reads `<key>K</key><string>V</string>` from an XML plist by plain text search (no entities). */
export function plistString(xml: string, key: string): string | null {
  const m = new RegExp(`<key>${key}</key>\\s*<string>([^<]{1,300})</string>`).exec(xml);
  return m?.[1] ? clean(m[1]) : null;
}

function iosDevice(folder: string): OriginDevice {
  let xml = '';
  try {
    const p = join(folder, 'Info.plist');
    if (statSync(p).size <= 4 * 1024 * 1024) xml = readFileSync(p, 'utf8');
  } catch {
    // No Info.plist (only Manifest.db given): fall back to the folder's name.
  }
  const name = plistString(xml, 'Device Name') ?? plistString(xml, 'Display Name');
  const model = plistString(xml, 'Product Type');
  const ident = plistString(xml, 'Target Identifier') ?? plistString(xml, 'Unique Identifier') ?? plistString(xml, 'Serial Number') ?? basename(folder);
  return { id: `ios:${hash(ident)}`, name: name ?? `iPhone backup ${clean(basename(folder), 40)}`, model, platform: 'ios' };
}

async function miuiDevice(path: string): Promise<OriginDevice> {
  let facts: Record<string, string> = {};
  try {
    facts = await readDescript(fileInput(join(dirname(path), 'descript.xml')));
  } catch {
    // No descript.xml: the folder of .bak files is the device.
  }
  const model = facts.device ? clean(facts.device) : null;
  const name = facts.deviceName ? clean(facts.deviceName) : model ? `Xiaomi ${model}` : `Xiaomi backup ${clean(basename(dirname(path)), 40)}`;
  return { id: `miui:${hash(`${facts.deviceName ?? ''}|${facts.device ?? ''}|${facts.deviceName || facts.device ? '' : dirname(path)}`)}`, name, model, platform: 'android' };
}

/**
 * The origin device of one walked entry read as `format`, or null for "This computer".
 * `head` is the file's first bytes (already read for detection).
 */
export async function originDevice(path: string, format: string, head: Buffer | null): Promise<OriginDevice | null> {
  switch (format) {
    case 'ios-backup':
      return iosDevice(path);
    case 'ios-backup-manifest':
      return iosDevice(dirname(path));
    case 'miui-backup':
      return miuiDevice(path);
    case 'android-backup':
      return { id: `android-backup:${hash(head ?? basename(path))}`, name: `Android backup ${clean(basename(path), 80)}`, model: null, platform: 'android' };
    case 'zip':
    case 'tgz':
      return /takeout/i.test(basename(path)) || (head !== null && head.includes('Takeout/')) ? { id: 'google-takeout', name: 'Google account (Takeout)', model: null, platform: 'google' } : null;
    default:
      return null;
  }
}
