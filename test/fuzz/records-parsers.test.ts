// fast-check "never throws except KeepsakeError" for the other record parsers (email,
// mbox, Evernote, Keep, text notes, Bear): arbitrary bytes and mutated real fixtures end
// in items plus refusals, or one KeepsakeError — never another exception or a hang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importBear } from '../../main/core/intake/records/bear';
import { importEml, importMbox } from '../../main/core/intake/records/email';
import { importEnex } from '../../main/core/intake/records/enex';
import { importKeepNote } from '../../main/core/intake/records/keep';
import { importTextNote } from '../../main/core/intake/records/text-note';
import type { Importer } from '../../main/core/intake/types';
import { FIXTURES, fixtureFiles, runBytes } from '../unit/intake/records/helpers';

const mutate = (src: Buffer, flips: Array<[number, number]>, cut: number | null) => {
  const b = Buffer.from(src);
  for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
  return cut === null ? b : b.subarray(0, cut % (b.length + 1));
};

const cases: Array<[string, Importer, string[], number]> = [
  ['eml', importEml, fixtureFiles('email').filter((f) => f.endsWith('.eml')), 150],
  ['mbox', importMbox, fixtureFiles('email').filter((f) => f.endsWith('.mbox')), 150],
  ['enex', importEnex, fixtureFiles('notes').filter((f) => f.endsWith('.enex')), 200],
  ['keep', importKeepNote, fixtureFiles('notes').filter((f) => f.endsWith('.json')), 200],
  ['text', importTextNote, fixtureFiles('notes').filter((f) => f.endsWith('.txt')), 100],
  ['bear', importBear, fixtureFiles('notes').filter((f) => f.endsWith('.bear2bk')), 40],
];

describe('record parsers never throw anything but KeepsakeError', () => {
  for (const [name, importer, files, runs] of cases) {
    it(`${name}: arbitrary bytes`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ maxLength: 1500 }), async (bytes) => {
          await runBytes(importer, `x.${name}`, Buffer.from(bytes));
        }),
        { numRuns: runs },
      );
    });
    it(`${name}: mutated real files`, async () => {
      expect(files.length).toBeGreaterThan(0);
      const sources = files.map((rel) => readFileSync(join(FIXTURES, rel)));
      await fc.assert(
        fc.asyncProperty(fc.nat(sources.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 16 }), fc.option(fc.nat()), async (i, flips, cut) => {
          await runBytes(importer, `x.${name}`, mutate(sources[i]!, flips, cut));
        }),
        { numRuns: runs },
      );
    });
  }
});
