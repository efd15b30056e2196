// Remembers the main window's size and position between launches in a small JSON file in
// the data folder (owner-only, 0600). What is read back is validated and fitted to the
// displays that exist now, so a monitor that was unplugged never strands the window
// off-screen, and a damaged file just means the default size.
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

export const WINDOW_STATE_FILE = 'window-state.json';

const Int = z.number().int().min(-100_000).max(100_000);
export const WindowBounds = z.object({
  x: Int.optional(),
  y: Int.optional(),
  width: z.number().int().min(200).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean().optional(),
});
export type WindowBounds = z.infer<typeof WindowBounds>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function windowStatePath(dataFolder: string): string {
  return join(dataFolder, WINDOW_STATE_FILE);
}

/** Reads the remembered bounds; undefined when absent or unreadable (never throws). */
export function loadWindowState(dataFolder: string): WindowBounds | undefined {
  try {
    const parsed = WindowBounds.safeParse(JSON.parse(readFileSync(windowStatePath(dataFolder), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the bounds atomically (tmp → rename) with owner-only permissions. */
export function saveWindowState(dataFolder: string, bounds: WindowBounds): void {
  const file = windowStatePath(dataFolder);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(WindowBounds.parse(bounds))}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/**
 * Fits remembered bounds to the current displays' work areas: keeps them when at least a
 * 100×60 px piece of the title area is visible on some display, otherwise drops the
 * position (the OS centres the window) and shrinks the size to the largest work area.
 */
export function fitToDisplays(bounds: WindowBounds | undefined, workAreas: readonly Rect[]): WindowBounds | undefined {
  if (!bounds) return undefined;
  const largest = workAreas.reduce<Rect | undefined>((a, r) => (!a || r.width * r.height > a.width * a.height ? r : a), undefined);
  const width = largest ? Math.min(bounds.width, largest.width) : bounds.width;
  const height = largest ? Math.min(bounds.height, largest.height) : bounds.height;
  const sized: WindowBounds = { width, height, ...(bounds.maximized ? { maximized: true } : {}) };
  if (bounds.x === undefined || bounds.y === undefined) return sized;
  const title: Rect = { x: bounds.x, y: bounds.y, width, height: 60 };
  const visible = workAreas.some((r) => overlap(title, r).width >= 100 && overlap(title, r).height >= 30);
  return visible ? { ...sized, x: bounds.x, y: bounds.y } : sized;
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}
