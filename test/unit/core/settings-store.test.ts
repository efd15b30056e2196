// The settings file read and written without zod (common/settings-values.ts): a damaged
// field falls back alone, an invalid update is refused before anything is written, and
// the plain check accepts exactly what the contract's zod schema accepts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Settings } from '../../../common/contract/settings';
import { validSettingsFields } from '../../../common/settings-values';
import { SettingsStore } from '../../../main/core/settings-store';
import { tempHome } from '../../support/temp-home';

describe('settings store', () => {
  let home: ReturnType<typeof tempHome>;
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => home.remove());

  it('keeps the valid fields of a file with one damaged field', () => {
    writeFileSync(join(home.path, 'settings.json'), JSON.stringify({ autoLockMinutes: 'soon', phoneGateway: true, extra: 1 }));
    expect(new SettingsStore(home.path).get()).toEqual({ autoLockMinutes: 15, phoneGateway: true });
  });

  it('refuses an invalid update and leaves the file as it was', () => {
    const store = new SettingsStore(home.path);
    store.update({ autoLockMinutes: 30 });
    const before = readFileSync(join(home.path, 'settings.json'), 'utf8');
    expect(() => store.update({ autoLockMinutes: 1.5, phoneGateway: true })).toThrow(/autoLockMinutes/);
    expect(readFileSync(join(home.path, 'settings.json'), 'utf8')).toBe(before);
    expect(store.get()).toEqual({ autoLockMinutes: 30, phoneGateway: false });
    expect(new SettingsStore(home.path).get()).toEqual({ autoLockMinutes: 30, phoneGateway: false });
  });

  it('accepts exactly the values the contract schema accepts', () => {
    const samples: unknown[] = [0, 1, 15, 1440, 1441, -1, 2.5, Number.NaN, '15', null, true, false, undefined, {}, []];
    for (const autoLockMinutes of samples) {
      for (const phoneGateway of samples) {
        const value = { autoLockMinutes, phoneGateway };
        const plain = validSettingsFields(value);
        const bothValid = 'autoLockMinutes' in plain && 'phoneGateway' in plain;
        expect(bothValid, JSON.stringify(value)).toBe(Settings.safeParse(value).success);
        expect('autoLockMinutes' in plain).toBe(Settings.shape.autoLockMinutes.safeParse(autoLockMinutes).success);
      }
    }
  });
});
