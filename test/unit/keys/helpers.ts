// Shared helpers for the key tests: a fresh vault layout in a temp folder, and tools to
// damage the slot file either by accident (checksum left stale) or on purpose (checksum
// recomputed, as an attacker who edits the file would).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { vaultLayout, type VaultLayout } from '../../../main/core/vault/layout';
import { checksumOf } from '../../../main/core/vault/keys/slot-file';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tempLayout(): VaultLayout {
  const dir = mkdtempSync(join(tmpdir(), 'keepsake-keys-'));
  dirs.push(dir);
  return vaultLayout(dir);
}

export const FAST = { fastKdfForTests: true } as const;

// The file is JSON we wrote; tests poke at it through this loose shape.
/* eslint-disable @typescript-eslint/no-explicit-any -- test code edits arbitrary JSON fields */
export type SlotDoc = { format: string; version: number; body: any; checksum: string; mac: string };

export function readDoc(layout: VaultLayout): SlotDoc {
  return JSON.parse(readFileSync(layout.keySlots, 'utf8')) as SlotDoc;
}

/** Edits the body and leaves the checksum stale: what bit rot or a bad copy does. */
export function damage(layout: VaultLayout, edit: (body: any) => void): void {
  const doc = readDoc(layout);
  edit(doc.body);
  writeFileSync(layout.keySlots, JSON.stringify(doc));
}

/** Edits the body and fixes the unkeyed checksum: what a deliberate edit does. */
export function tamper(layout: VaultLayout, edit: (body: any) => void): void {
  const doc = readDoc(layout);
  edit(doc.body);
  doc.checksum = checksumOf(doc.body);
  writeFileSync(layout.keySlots, JSON.stringify(doc));
}

/** Flips one bit of a base64 field. */
export function flipB64(value: string, byte = 0): string {
  const b = Buffer.from(value, 'base64');
  b[byte] = (b[byte] ?? 0) ^ 0x01;
  return b.toString('base64');
}

export function slotOf(body: any, kind: string): any {
  return body.slots.find((s: any) => s.kind === kind);
}
