// The recovery key as a QR code: one module matrix (from `qrcode`) drawn both as SVG for
// the UI/HTML kit and as rectangles in the PDF, so both show exactly the same code.
import QRCode from 'qrcode';

export interface QrMatrix {
  size: number;
  /** dark[row * size + col] */
  dark: boolean[];
}

/**
 * Error correction "M" (~15 % damage tolerated): enough for a creased or smudged sheet
 * while keeping modules large enough to print cleanly at ~4 cm. The key's characters
 * (0-9, A-Z, '-') fit QR's compact alphanumeric mode.
 */
export function qrMatrix(text: string): QrMatrix {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const dark: boolean[] = [];
  for (let r = 0; r < modules.size; r++) for (let c = 0; c < modules.size; c++) dark.push(Boolean(modules.get(r, c)));
  return { size: modules.size, dark };
}

/** Horizontal runs of dark modules per row: fewer shapes to draw than one per module. */
export function darkRuns(m: QrMatrix): Array<{ row: number; col: number; len: number }> {
  const runs: Array<{ row: number; col: number; len: number }> = [];
  for (let row = 0; row < m.size; row++) {
    let col = 0;
    while (col < m.size) {
      if (!m.dark[row * m.size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < m.size && m.dark[row * m.size + col]) col++;
      runs.push({ row, col: start, len: col - start });
    }
  }
  return runs;
}

/** The QR code as a standalone SVG with the 4-module quiet zone the standard asks for. */
export function qrSvg(text: string, title = 'Recovery key QR code'): string {
  const m = qrMatrix(text);
  const quiet = 4;
  const total = m.size + quiet * 2;
  const path = darkRuns(m)
    .map((r) => `M${r.col + quiet} ${r.row + quiet}h${r.len}v1h-${r.len}z`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges" role="img" aria-label="${title}"><title>${title}</title><rect width="${total}" height="${total}" fill="#fff"/><path d="${path}" fill="#000"/></svg>`;
}
