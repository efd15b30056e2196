// The Emergency Kit: the one sheet that opens the vault when the passphrase is forgotten.
// Two forms with the same words: a printable PDF (pdfkit, so the CLI and core can make it
// without a browser) and an HTML page with an inline SVG QR code for the UI to show/print.
import { writeFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { KeepsakeError } from '../../../../common/errors';
import { darkRuns, qrMatrix, qrSvg } from './kit-qr';

export interface KitInput {
  recoveryKey: string;
  vaultId: string;
  /** When the key was made; defaults to now. */
  date?: Date;
}

export const KIT_TITLE = 'Keepsake Emergency Kit';

/** Plain instructions, shared by the PDF and the HTML so they never disagree. */
export const KIT_INSTRUCTIONS: readonly string[] = [
  'Keep this paper somewhere safe, for example with your passport or in a safe. Do not store a photo of it on your phone or computer.',
  'If you forget your passphrase, open Keepsake, choose "Unlock with recovery key", and type the key above or scan the code. Upper or lower case, spaces and dashes do not matter.',
  'Anyone who has this key and a copy of your vault can read it. Nobody else can: Keepsake has no back door and cannot recover your vault without your passphrase or this key.',
  'If you make a new recovery key in Keepsake, this sheet stops working. Print the new kit, then destroy this one.',
];

function keyLines(recoveryKey: string): [string, string] {
  const groups = recoveryKey.split('-');
  const half = Math.ceil(groups.length / 2);
  return [groups.slice(0, half).join('-'), groups.slice(half).join('-')];
}

function humanDate(d: Date): string {
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });
}

function checkInput(input: KitInput): void {
  if (!/^[0-9A-Z]{4}(-[0-9A-Z]{4})+$/.test(input.recoveryKey)) throw new KeepsakeError('INTERNAL', 'The Emergency Kit was asked for with a malformed recovery key.');
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A self-contained HTML page (no scripts, no external resources) with the key and its QR code. */
export function emergencyKitHtml(input: KitInput): string {
  checkInput(input);
  const [l1, l2] = keyLines(input.recoveryKey);
  const date = humanDate(input.date ?? new Date());
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${KIT_TITLE}</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#111;max-width:42rem;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem;margin:0 0 .25rem}.meta{color:#555;margin:0 0 1.5rem}
.key{display:flex;gap:1.5rem;align-items:center;border:2px solid #111;border-radius:8px;padding:1rem 1.25rem}
.key code{font:600 1.15rem/1.6 ui-monospace,"SF Mono",Menlo,Consolas,monospace;letter-spacing:.04em;display:block}
.key svg{width:9rem;height:9rem;flex:none}ol{padding-left:1.25rem}li{margin:.4rem 0}
@media print{body{margin:0 auto}}
</style></head>
<body><h1>${KIT_TITLE}</h1>
<p class="meta">Made ${esc(date)} · Vault ${esc(input.vaultId)}</p>
<section class="key" aria-label="Recovery key"><div><strong>Recovery key</strong><code>${esc(l1)}</code><code>${esc(l2)}</code></div>${qrSvg(input.recoveryKey)}</section>
<ol>${KIT_INSTRUCTIONS.map((t) => `<li>${esc(t)}</li>`).join('')}</ol>
</body></html>
`;
}

/** The kit as a one-page A4 PDF. */
export async function emergencyKitPdf(input: KitInput): Promise<Buffer> {
  checkInput(input);
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: KIT_TITLE, Creator: 'Keepsake' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  const left = 56;
  const width = doc.page.width - 2 * left;
  doc.font('Helvetica-Bold').fontSize(24).text(KIT_TITLE, left, 56);
  doc.font('Helvetica').fontSize(11).fillColor('#555').text(`Made ${humanDate(input.date ?? new Date())}  ·  Vault ${input.vaultId}`).fillColor('#000');

  // The key box: key text on the left, QR code on the right.
  const boxTop = doc.y + 18;
  const qrSide = 132;
  const boxHeight = qrSide + 28;
  doc.lineWidth(2).roundedRect(left, boxTop, width, boxHeight, 8).stroke();
  doc.font('Helvetica-Bold').fontSize(12).text('Recovery key', left + 16, boxTop + 18);
  const [l1, l2] = keyLines(input.recoveryKey);
  doc.font('Courier-Bold').fontSize(15).text(l1, left + 16, boxTop + 48).text(l2, left + 16, boxTop + 72);
  drawQr(doc, input.recoveryKey, left + width - qrSide - 14, boxTop + 14, qrSide);

  doc.font('Helvetica').fontSize(12);
  let y = boxTop + boxHeight + 28;
  KIT_INSTRUCTIONS.forEach((t, i) => {
    doc.text(`${i + 1}.  ${t}`, left, y, { width });
    y = doc.y + 10;
  });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

/** Draws the QR code (with its quiet zone) as filled rectangles: one per horizontal run. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, side: number): void {
  const m = qrMatrix(text);
  const cell = side / (m.size + 8);
  for (const r of darkRuns(m)) doc.rect(x + (r.col + 4) * cell, y + (r.row + 4) * cell, r.len * cell, cell);
  doc.fillColor('#000').fill();
}

/** Writes the PDF to a path the person chose (owner-only; the bytes never cross IPC). */
export async function writeEmergencyKitPdf(path: string, input: KitInput): Promise<void> {
  await saveKit(path, await emergencyKitPdf(input));
}

/** Writes the HTML form to a path the person chose (owner-only). */
export async function writeEmergencyKitHtml(path: string, input: KitInput): Promise<void> {
  await saveKit(path, emergencyKitHtml(input));
}

async function saveKit(path: string, data: Buffer | string): Promise<void> {
  try {
    await writeFile(path, data, { mode: 0o600 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unknown';
    throw new KeepsakeError('IO', `The Emergency Kit could not be saved there (${code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' ? 'permission denied' : code}). Choose another place.`, { errno: code });
  }
}
