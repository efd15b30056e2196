// A tiny zip writer for tests, so hostile archives can be built byte by byte: raw names
// (../, NUL, backslashes), stored or deflated bodies, lying sizes, entries that share one
// body (overlap), and zip64 end records for more than 65,535 entries. Real Takeout zips
// are written the same way (local headers, central directory, end record).
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string | Buffer;
  data: Buffer;
  method?: 0 | 8;
  /** Override the declared uncompressed size (a lying header). */
  declaredSize?: number;
  /** Point this central-directory record at an earlier entry's local header (overlap). */
  sameBodyAs?: number;
}

export function zipOf(entries: ZipEntrySpec[], opts: { forceZip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  const meta: Array<{ crc: number; csize: number; usize: number; method: number; name: Buffer }> = [];
  let offset = 0;
  entries.forEach((e, i) => {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const method = e.method ?? 8;
    const body = method === 8 ? deflateRawSync(e.data) : e.data;
    const crc = crc32(e.data);
    const usize = e.declaredSize ?? e.data.length;
    if (e.sameBodyAs !== undefined) {
      offsets.push(offsets[e.sameBodyAs]!);
      meta.push({ ...meta[e.sameBodyAs]!, name });
      return;
    }
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(0x800, 6);
    h.writeUInt16LE(method, 8);
    h.writeUInt32LE(crc, 14);
    h.writeUInt32LE(body.length, 18);
    h.writeUInt32LE(usize, 22);
    h.writeUInt16LE(name.length, 26);
    offsets.push(offset);
    meta.push({ crc, csize: body.length, usize, method, name });
    locals.push(h, name, body);
    offset += 30 + name.length + body.length;
    void i;
  });
  const cdStart = offset;
  meta.forEach((m, i) => {
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(m.method, 10);
    c.writeUInt32LE(m.crc, 16);
    c.writeUInt32LE(m.csize, 20);
    c.writeUInt32LE(m.usize, 24);
    c.writeUInt16LE(m.name.length, 28);
    c.writeUInt32LE(offsets[i]!, 42);
    central.push(c, m.name);
  });
  const cdSize = central.reduce((n, b) => n + b.length, 0);
  const count = meta.length;
  const tail: Buffer[] = [];
  const zip64 = opts.forceZip64 || count > 0xfffe;
  if (zip64) {
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeUInt16LE(45, 12);
    z.writeUInt16LE(45, 14);
    z.writeBigUInt64LE(BigInt(count), 24);
    z.writeBigUInt64LE(BigInt(count), 32);
    z.writeBigUInt64LE(BigInt(cdSize), 40);
    z.writeBigUInt64LE(BigInt(cdStart), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdStart + cdSize), 8);
    loc.writeUInt32LE(1, 16);
    tail.push(z, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(zip64 ? 0xffff : count, 8);
  eocd.writeUInt16LE(zip64 ? 0xffff : count, 10);
  eocd.writeUInt32LE(cdSize, 12);
  eocd.writeUInt32LE(zip64 ? 0xffffffff : cdStart, 16);
  return Buffer.concat([...locals, ...central, ...tail, eocd]);
}
