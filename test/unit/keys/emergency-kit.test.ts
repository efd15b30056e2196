// The Emergency Kit: the PDF is a real one-page PDF whose drawn QR code decodes (with the
// jsQR reader) to the recovery key; the HTML form carries the same key, QR and words.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { afterAll, describe, expect, it } from 'vitest';
import { emergencyKitHtml, emergencyKitPdf, KIT_INSTRUCTIONS, writeEmergencyKitPdf } from '../../../main/core/vault/keys/emergency-kit';
import { generateRecoveryKey, parseRecoveryKey } from '../../../main/core/vault/keys/recovery-key';

const VAULT_ID = 'f0338649-3f87-4542-8c9d-e133ad15ec8d';
const DATE = new Date('2026-11-29T10:00:00Z');
const dir = mkdtempSync(join(tmpdir(), 'keepsake-kit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rasterises a module grid (with a 4-module quiet zone) and reads it with jsQR. */
function readQr(dark: Set<string>, size: number): string | null {
  const scale = 6;
  const px = (size + 8) * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const row = Math.floor(y / scale) - 4;
      const col = Math.floor(x / scale) - 4;
      if (dark.has(`${row},${col}`)) rgba.fill(0, (y * px + x) * 4, (y * px + x) * 4 + 3);
    }
  }
  return jsQR(rgba, px, px)?.data ?? null;
}

/** Every inflatable content stream of a PDF, as text. */
function contentStreams(pdf: Buffer): string[] {
  const s = pdf.toString('latin1');
  const out: string[] = [];
  const re = /stream\r?\n/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index + m[0].length;
    try {
      out.push(inflateSync(Buffer.from(s.slice(start, s.indexOf('endstream', start)), 'latin1')).toString('latin1'));
    } catch {
      // not a Flate stream (none expected, but harmless)
    }
  }
  return out;
}

/** Rebuilds the QR module grid from the PDF's `x y w h re` rectangles (one per dark run). */
function qrFromPdf(pdf: Buffer): { dark: Set<string>; size: number } {
  const rects = contentStreams(pdf)
    .flatMap((t) => [...t.matchAll(/(-?[\d.]+) (-?[\d.]+) ([\d.]+) ([\d.]+) re/g)])
    .map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);
  const cell = Math.min(...rects.map((r) => r[3]));
  const x0 = Math.min(...rects.map((r) => r[0]));
  const y0 = Math.min(...rects.map((r) => r[1]));
  const dark = new Set<string>();
  let size = 0;
  for (const [x, y, w] of rects) {
    const row = Math.round((y - y0) / cell);
    const col = Math.round((x - x0) / cell);
    for (let i = 0; i < Math.round(w / cell); i++) dark.add(`${row},${col + i}`);
    size = Math.max(size, row + 1, col + Math.round(w / cell));
  }
  return { dark, size };
}

describe('Emergency Kit PDF', () => {
  it('is a valid one-page PDF whose QR code reads back as the recovery key', async () => {
    const { text } = generateRecoveryKey();
    const pdf = await emergencyKitPdf({ recoveryKey: text, vaultId: VAULT_ID, date: DATE });
    const s = pdf.toString('latin1');
    expect(s.startsWith('%PDF-')).toBe(true);
    expect(s.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(s.match(/\/Type \/Page\b/g)).toHaveLength(1);
    expect(s).toMatch(/\/Type \/Pages[\s\S]*?\/Count 1/);
    expect(s).toContain('Keepsake Emergency Kit');
    const { dark, size } = qrFromPdf(pdf);
    const read = readQr(dark, size);
    expect(read).toBe(text);
    expect(parseRecoveryKey(read ?? '').equals(parseRecoveryKey(text))).toBe(true);
  });

  it('writes the PDF owner-only to a chosen path and explains a path it cannot write', async () => {
    const { text } = generateRecoveryKey();
    const path = join(dir, 'kit.pdf');
    await writeEmergencyKitPdf(path, { recoveryKey: text, vaultId: VAULT_ID });
    expect(readFileSync(path).subarray(0, 5).toString()).toBe('%PDF-');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await expect(writeEmergencyKitPdf(join(dir, 'no-such-folder', 'kit.pdf'), { recoveryKey: text, vaultId: VAULT_ID })).rejects.toThrowError(expect.objectContaining({ code: 'IO' }));
  });
});

describe('Emergency Kit HTML', () => {
  it('carries the key, the vault id, the date, the instructions and a QR code that reads back, with no script', () => {
    const { text } = generateRecoveryKey();
    const html = emergencyKitHtml({ recoveryKey: text, vaultId: VAULT_ID, date: DATE });
    const groups = text.split('-');
    expect(html).toContain(groups.slice(0, 7).join('-'));
    expect(html).toContain(groups.slice(7).join('-'));
    expect(html).toContain(VAULT_ID);
    expect(html).toContain('29 November 2026');
    expect(html).toContain('Keep this paper somewhere safe');
    expect(KIT_INSTRUCTIONS.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    const path = /<path d="([^"]+)"/.exec(html)?.[1] ?? '';
    const dark = new Set<string>();
    let size = 0;
    for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)/g)) {
      const [col, row, len] = [Number(m[1]) - 4, Number(m[2]) - 4, Number(m[3])];
      for (let i = 0; i < len; i++) dark.add(`${row},${col + i}`);
      size = Math.max(size, row + 1, col + len);
    }
    expect(readQr(dark, size)).toBe(text);
  });

  it('refuses to print something that is not a recovery key', () => {
    expect(() => emergencyKitHtml({ recoveryKey: '<img src=x>', vaultId: VAULT_ID })).toThrowError(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
