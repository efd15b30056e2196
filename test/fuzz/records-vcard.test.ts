// fast-check properties for the vCard parser and writer: any bytes end in contacts or a
// KeepsakeError (never another exception), mutated real fixtures too, and parse∘write is
// the identity on properties (names, groups, TYPE parameters, values, components) —
// including text with commas, semicolons, backslashes, newlines and non-ASCII.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importVCard, type VCardProperty } from '../../main/core/intake/records/vcard';
import { withoutControls } from '../../main/core/intake/records/util';
import { writeVCard } from '../../main/core/intake/records/vcard-writer';
import { FIXTURES, fixtureFiles, runBytes } from '../unit/intake/records/helpers';

const text = fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => withoutControls(s, '\n'));
const types = fc.uniqueArray(fc.constantFrom('HOME', 'WORK', 'CELL', 'VOICE', 'FAX', 'PREF', 'INTERNET'), { maxLength: 3 });

const property: fc.Arbitrary<VCardProperty> = fc.oneof(
  fc.record({ name: fc.constant('FN'), value: text }).map(({ name, value }) => ({ name, params: {}, value })),
  fc.array(text, { minLength: 5, maxLength: 5 }).map((c) => ({ name: 'N', params: {}, value: c.join(';'), components: c })),
  fc.tuple(fc.stringMatching(/^\+?[0-9 ()-]{1,20}$/), types).map(([value, t]) => ({ name: 'TEL', params: t.length ? { TYPE: t } : {}, value })),
  fc.tuple(fc.emailAddress(), types).map(([value, t]) => ({ name: 'EMAIL', params: t.length ? { TYPE: t } : {}, value })),
  text.map((value) => ({ name: 'NOTE', params: {}, value })),
  fc.tuple(fc.stringMatching(/^X-[A-Z]{1,8}$/), text).map(([name, value]) => ({ name, params: {}, value })),
  fc.tuple(fc.integer({ min: 1, max: 9 }), text).map(([g, value]) => ({ group: `item${g}`, name: 'X-ABLABEL', params: {}, value })),
);

const shape = (p: VCardProperty) => ({ group: p.group, name: p.name, type: p.params.TYPE ?? [], value: p.value, components: p.components });

describe('vCard properties', () => {
  it('parse(write(contact)) gives back every property', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(property, { minLength: 1, maxLength: 12 }), async (props) => {
        const vcf = writeVCard({ properties: props });
        const out = await runBytes(importVCard, 'p.vcf', vcf);
        expect(out.error).toBeNull();
        expect(out.items).toHaveLength(1);
        const got = (out.items[0]!.fields.properties as VCardProperty[]).filter((p) => p.name !== 'VERSION');
        expect(got.map(shape)).toEqual(props.map(shape));
        for (const line of vcf.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
      }),
      { numRuns: 200 },
    );
  });

  it('writes an embedded photo back and reads the same bytes', async () => {
    const src = await runBytes(importVCard, 'i.vcf', readFileSync(join(FIXTURES, 'contacts/ezvcard__John_Doe_IPHONE.vcf')));
    const item = src.items[0]!;
    const again = await runBytes(importVCard, 'o.vcf', writeVCard({ properties: item.fields.properties as VCardProperty[], files: item.files! }));
    const a = item.files!.find((f) => f.name === 'photo.jpg')!.data as Buffer;
    const b = again.items[0]!.files!.find((f) => f.name === 'photo.jpg')!.data as Buffer;
    expect(b.equals(a)).toBe(true);
    expect(again.items[0]!.title).toBe(item.title);
  });

  it('never throws anything but KeepsakeError on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (bytes) => {
        await runBytes(importVCard, 'x.vcf', Buffer.concat([Buffer.from('BEGIN:VCARD\r\n'), Buffer.from(bytes)]));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws anything but KeepsakeError on mutated real contact files', async () => {
    const files = fixtureFiles('contacts').map((rel) => readFileSync(join(FIXTURES, rel)));
    await fc.assert(
      fc.asyncProperty(fc.nat(files.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }), fc.option(fc.nat()), async (i, flips, cut) => {
        const b = Buffer.from(files[i]!);
        for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
        await runBytes(importVCard, 'x.vcf', cut === null ? b : b.subarray(0, cut % (b.length + 1)));
      }),
      { numRuns: 300 },
    );
  });
});
