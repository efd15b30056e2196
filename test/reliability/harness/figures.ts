// Where long runs leave their figures for scripts/reliability.mjs: when
// KEEPSAKE_FIGURES_DIR is set, each suite writes <dir>/<name>.json; otherwise nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function recordFigures(name: string, figures: unknown): void {
  const dir = process.env.KEEPSAKE_FIGURES_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
