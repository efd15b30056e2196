#!/usr/bin/env node
// Renders the app and tray icons from the two SVG masters with sharp. Run after editing
// an SVG: `node resources/make-icons.mjs`. Outputs are committed, so packaging never
// needs this step.
//   icon.png (512), icons/<n>x<n>.png (Linux sizes), tray.png + tray@2x.png (light tray
//   mark recoloured for dark panels), trayTemplate.png + @2x (macOS template: black + alpha).
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const here = dirname(fileURLToPath(import.meta.url));
const icon = readFileSync(join(here, 'icon.svg'));
const tray = readFileSync(join(here, 'tray.svg'), 'utf8');

async function png(svg, size, out) {
  await sharp(Buffer.from(svg), { density: Math.max(72, (72 * size) / 32) }).resize(size, size).png().toFile(join(here, out));
}

mkdirSync(join(here, 'icons'), { recursive: true });
await png(icon, 512, 'icon.png');
for (const size of [16, 32, 48, 64, 128, 256, 512]) await png(icon, size, `icons/${size}x${size}.png`);
// Linux and Windows trays are usually dark: a light mark reads on them.
const light = tray.replaceAll('#000', '#f3efe6');
await png(light, 22, 'tray.png');
await png(light, 44, 'tray@2x.png');
await png(tray, 16, 'trayTemplate.png');
await png(tray, 32, 'trayTemplate@2x.png');
process.stdout.write('icons written\n');
