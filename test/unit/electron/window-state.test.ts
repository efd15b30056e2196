// Remembered window size/position: owner-only file, damage-tolerant, fitted to displays.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fitToDisplays, loadWindowState, saveWindowState, windowStatePath } from '../../../main/electron/window-state';
import { tempHome } from '../../support/temp-home';

let home: ReturnType<typeof tempHome>;
beforeEach(() => (home = tempHome()));
afterEach(() => home.remove());

const SCREEN = { x: 0, y: 0, width: 1920, height: 1040 };

describe('window state', () => {
  it('round-trips through a 0600 JSON file', () => {
    saveWindowState(home.path, { x: 100, y: 50, width: 1200, height: 800, maximized: false });
    expect(loadWindowState(home.path)).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: false });
    if (process.platform !== 'win32') expect(statSync(windowStatePath(home.path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(windowStatePath(home.path), 'utf8'))).toMatchObject({ width: 1200 });
  });

  it('returns undefined for a missing, damaged or out-of-range file, never throws', () => {
    expect(loadWindowState(home.path)).toBeUndefined();
    for (const text of ['{', 'null', '[]', '{"width":"big","height":1}', '{"width":10,"height":10}', '{"width":1e9,"height":800}']) {
      writeFileSync(windowStatePath(home.path), text);
      expect(loadWindowState(home.path), text).toBeUndefined();
    }
  });

  it('refuses to save nonsense bounds', () => {
    expect(() => saveWindowState(home.path, { width: -5, height: 800 })).toThrow();
  });

  it('keeps a position that is visible on some display', () => {
    expect(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800 }, [SCREEN])).toEqual({ x: 100, y: 100, width: 1200, height: 800 });
    const second = { x: 1920, y: 0, width: 2560, height: 1400 };
    expect(fitToDisplays({ x: 2200, y: 100, width: 1200, height: 800 }, [SCREEN, second])).toMatchObject({ x: 2200, y: 100 });
  });

  it('drops the position when its monitor is gone, and shrinks to the largest work area', () => {
    expect(fitToDisplays({ x: 2200, y: 100, width: 2400, height: 1300, maximized: true }, [SCREEN])).toEqual({ width: 1920, height: 1040, maximized: true });
    expect(fitToDisplays({ x: -3000, y: -3000, width: 800, height: 600 }, [SCREEN])).toEqual({ width: 800, height: 600 });
    expect(fitToDisplays(undefined, [SCREEN])).toBeUndefined();
  });
});
