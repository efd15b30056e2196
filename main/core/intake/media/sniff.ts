// Recognises photo and video files by their first bytes (extensions lie: a ".jpg" from a
// messenger is often a PNG or WebP). Returns null for anything that is not a media file.

export type MediaKind = 'jpeg' | 'png' | 'webp' | 'gif' | 'heic' | 'mp4' | 'mov';

export interface MediaType {
  kind: MediaKind;
  mime: string;
  video: boolean;
}

const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif']);
const MP4_BRANDS = /^(isom|iso[2-9]|mp4[12v]|avc1|M4V |M4A |f4v |3gp[0-9]|3g2[a-z]|dash|mmp4|MSNV|XAVC|NDAS)$/;

export function sniffMedia(head: Buffer): MediaType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { kind: 'jpeg', mime: 'image/jpeg', video: false };
  if (head.length >= 8 && head.readUInt32BE(0) === 0x89504e47 && head.readUInt32BE(4) === 0x0d0a1a0a) return { kind: 'png', mime: 'image/png', video: false };
  if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return { kind: 'webp', mime: 'image/webp', video: false };
  if (head.length >= 6 && /^GIF8[79]a$/.test(head.toString('latin1', 0, 6))) return { kind: 'gif', mime: 'image/gif', video: false };
  if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp') {
    const major = head.toString('latin1', 8, 12);
    const size = Math.min(head.readUInt32BE(0), head.length);
    const brands = [major];
    for (let o = 16; o + 4 <= size; o += 4) brands.push(head.toString('latin1', o, o + 4));
    if (HEIF_BRANDS.has(major) || (!MP4_BRANDS.test(major) && major !== 'qt  ' && brands.some((b) => HEIF_BRANDS.has(b)))) {
      return major === 'avif' ? null : { kind: 'heic', mime: major === 'mif1' || major === 'msf1' ? 'image/heif' : 'image/heic', video: false };
    }
    if (major === 'qt  ') return { kind: 'mov', mime: 'video/quicktime', video: true };
    if (MP4_BRANDS.test(major) || brands.some((b) => MP4_BRANDS.test(b))) return { kind: 'mp4', mime: major.startsWith('3g') ? 'video/3gpp' : 'video/mp4', video: true };
    return null;
  }
  // Old QuickTime files start with moov/mdat/wide/free/skip and no ftyp.
  if (head.length >= 8 && /^(moov|mdat|wide|free|skip|pnot)$/.test(head.toString('latin1', 4, 8))) return { kind: 'mov', mime: 'video/quicktime', video: true };
  return null;
}
