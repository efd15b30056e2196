// RELIABILITY row 43 / audit items 2–4, 6, 8–11, 34: the main window's options are read
// back from the one factory, and no other BrowserWindow exists in the Electron host.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from '../../main/electron/window-options';

const LOCKED = {
  sandbox: true,
  contextIsolation: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  experimentalFeatures: false,
  webviewTag: false,
  spellcheck: false,
};

describe('main window options (row 43)', () => {
  for (const isPackaged of [true, false]) {
    it(`locks the web preferences down (${isPackaged ? 'packaged' : 'development'})`, () => {
      const options = mainWindowOptions({ preloadPath: '/app/dist/electron/preload.cjs', isPackaged });
      expect(options.webPreferences).toMatchObject(LOCKED);
      expect(options.webPreferences?.preload).toBe('/app/dist/electron/preload.cjs');
      expect(options.webPreferences?.devTools).toBe(!isPackaged);
      // Nothing that would loosen the sandbox is set at all.
      for (const key of ['enableBlinkFeatures', 'additionalArguments', 'enableRemoteModule', 'plugins', 'disableHtmlFullscreenWindowResize']) {
        expect(options.webPreferences).not.toHaveProperty(key);
      }
    });
  }

  it('keeps the locked set whatever bounds are remembered', () => {
    const options = mainWindowOptions({ preloadPath: '/p.cjs', isPackaged: true, bounds: { x: 10, y: 20, width: 1000, height: 700, maximized: true } });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700 });
    expect(options.webPreferences).toMatchObject(LOCKED);
  });

  it('is the only way the Electron host creates a window', () => {
    const dir = join(__dirname, '../../main/electron');
    const constructions: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      for (const m of text.matchAll(/new BrowserWindow\(([\s\S]{0,80})/g)) constructions.push(`${file}: ${m[1]?.trim() ?? ''}`);
      expect(text, `${file} must not create a BrowserView/WebContentsView`).not.toMatch(/new (BrowserView|WebContentsView)\(/);
    }
    expect(constructions).toHaveLength(1);
    expect(constructions[0]).toMatch(/^main\.ts: mainWindowOptions\(/);
  });
});
