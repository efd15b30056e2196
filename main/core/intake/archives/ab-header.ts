// The header of an Android `adb backup` file (.ab), versions 1–5:
//   "ANDROID BACKUP\n" <version>\n <compressed 0|1>\n <encryption "none"|"AES-256">\n
//   and, when encrypted: <user-key salt hex>\n <checksum salt hex>\n <PBKDF2 rounds>\n
//   <user-key IV hex>\n <master-key blob hex>\n
// then the payload: [AES-256-CBC] → [zlib deflate] → tar. Layout from AOSP
// BackupManagerService/PerformAdbBackupTask and android-backup-extractor. Every field is
// checked (hex lengths, a bounded round count so a crafted header cannot make us spin in
// PBKDF2 for hours); anything else is CORRUPT/UNSUPPORTED with a plain reason.
import { KeepsakeError } from '../../../../common/errors';

export const AB_MAGIC = 'ANDROID BACKUP';
/** Android uses 10,000; the cap stops a header from asking for billions. */
export const MAX_PBKDF2_ROUNDS = 2_000_000;
const MAX_LINE = 1024;

export interface AbCrypto {
  userSalt: Buffer;
  checksumSalt: Buffer;
  rounds: number;
  userIv: Buffer;
  masterKeyBlob: Buffer;
}

export interface AbHeader {
  version: number;
  compressed: boolean;
  encryption: 'none' | 'AES-256';
  /** Byte offset where the payload starts. */
  headerLength: number;
  crypto?: AbCrypto;
}

function corrupt(why: string): KeepsakeError {
  return new KeepsakeError('CORRUPT', `This Android backup's header is damaged (${why}).`);
}

function hexField(line: string, name: string, minBytes: number, maxBytes: number): Buffer {
  if (!/^[0-9A-Fa-f]*$/.test(line) || line.length % 2 !== 0) throw corrupt(`the ${name} is not hexadecimal`);
  const buf = Buffer.from(line, 'hex');
  if (buf.length < minBytes || buf.length > maxBytes) throw corrupt(`the ${name} has the wrong length`);
  return buf;
}

/** Parses the header from the first bytes of the file (4 KB is plenty). */
export function parseAbHeader(head: Buffer, offset = 0): AbHeader {
  let pos = offset;
  const line = (what: string): string => {
    const nl = head.indexOf(0x0a, pos);
    if (nl < 0 || nl - pos > MAX_LINE) throw corrupt(`the ${what} line is missing or cut off`);
    const s = head.toString('latin1', pos, nl);
    pos = nl + 1;
    return s;
  };
  if (head.toString('latin1', pos, pos + AB_MAGIC.length + 1) !== `${AB_MAGIC}\n`) {
    throw new KeepsakeError('UNSUPPORTED', 'This is not an Android backup (.ab) file.');
  }
  pos += AB_MAGIC.length + 1;
  const versionText = line('version');
  if (!/^\d{1,3}$/.test(versionText)) throw corrupt('the version is not a number');
  const version = Number(versionText);
  if (version < 1 || version > 5) throw new KeepsakeError('UNSUPPORTED', `This Android backup has format version ${version}; versions 1 to 5 are supported.`);
  const compressedText = line('compression');
  if (compressedText !== '0' && compressedText !== '1') throw corrupt('the compression flag is not 0 or 1');
  const enc = line('encryption');
  if (enc === 'none') return { version, compressed: compressedText === '1', encryption: 'none', headerLength: pos - offset };
  if (enc !== 'AES-256') throw new KeepsakeError('UNSUPPORTED', `This Android backup uses encryption "${enc.slice(0, 40)}", which Keepsake cannot read.`);
  const userSalt = hexField(line('user salt'), 'user salt', 8, 512);
  const checksumSalt = hexField(line('checksum salt'), 'checksum salt', 8, 512);
  const roundsText = line('rounds');
  if (!/^\d{1,9}$/.test(roundsText)) throw corrupt('the round count is not a number');
  const rounds = Number(roundsText);
  if (rounds < 1 || rounds > MAX_PBKDF2_ROUNDS) throw new KeepsakeError('UNSUPPORTED', `This Android backup asks for ${rounds} key-derivation rounds, far more than Android uses.`);
  const userIv = hexField(line('user IV'), 'user IV', 16, 16);
  const masterKeyBlob = hexField(line('master key'), 'master key', 16, 1024);
  if (masterKeyBlob.length % 16 !== 0) throw corrupt('the master key blob is not whole AES blocks');
  return { version, compressed: compressedText === '1', encryption: 'AES-256', headerLength: pos - offset, crypto: { userSalt, checksumSalt, rounds, userIv, masterKeyBlob } };
}
