// Replays the saved fuzz corpus (RELIABILITY row 31): every file under test/fuzz/corpus/<parser>/
// — hand-made hostile inputs (entity bombs, external entities, RRULE loops, 10k-deep
// nesting, QP cut at EOF, __proto__ names, traversal names) and every crasher a campaign
// ever found — goes through its parser again. Each must end in items and refusals or one
// KeepsakeError: never another exception, never a file read through an entity, never a
// polluted Object.prototype. With KEEPSAKE_FUZZ_SAVE=1 a campaign mutates the corpus with
// fast-check and saves any input that breaks that rule as a new corpus file (a fixture).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importEml, importMbox } from '../../../main/core/intake/records/email';
import { importEnex } from '../../../main/core/intake/records/enex';
import { importICalendar } from '../../../main/core/intake/records/icalendar';
import { importKeepNote } from '../../../main/core/intake/records/keep';
import { importSmsXml } from '../../../main/core/intake/records/sms-xml';
import { importTextNote } from '../../../main/core/intake/records/text-note';
import { importVCard } from '../../../main/core/intake/records/vcard';
import type { Importer } from '../../../main/core/intake/types';
import { runBytes } from '../../unit/intake/records/helpers';

const CORPUS = import.meta.dirname;
const PARSERS: Record<string, [Importer, string]> = {
  vcard: [importVCard, 'x.vcf'],
  icalendar: [importICalendar, 'x.ics'],
  sms: [importSmsXml, 'sms-x.xml'],
  mbox: [importMbox, 'x.mbox'],
  eml: [importEml, 'x.eml'],
  enex: [importEnex, 'x.enex'],
  keep: [importKeepNote, 'x.json'],
  text: [importTextNote, 'x.txt'],
};
const PASSWD = readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;

const filesOf = (parser: string): string[] => readdirSync(join(CORPUS, parser)).sort();

describe('fuzz corpus replay', () => {
  it('has a corpus folder for every parser it knows and nothing else', () => {
    const dirs = readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(dirs).toEqual(Object.keys(PARSERS).sort());
  });

  for (const [parser, [importer, name]] of Object.entries(PARSERS)) {
    it.each(filesOf(parser))(`${parser}: %s ends in items or a KeepsakeError`, async (file) => {
      const outcome = await runBytes(importer, name, readFileSync(join(CORPUS, parser, file)));
      const text = JSON.stringify(outcome.items, (_k, v: unknown) => (Buffer.isBuffer(v) || v instanceof Uint8Array ? `<${(v as Uint8Array).length} bytes>` : v));
      expect(text).not.toContain(PASSWD); // no external entity was resolved
      expect(text.length).toBeLessThan(5_000_000); // no entity expansion beyond limits
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  }
});

describe.runIf(process.env.KEEPSAKE_FUZZ_SAVE === '1')('fuzz campaign that grows the corpus', () => {
  for (const [parser, [importer, name]] of Object.entries(PARSERS)) {
    it(`${parser}: mutations of the corpus; each crash is saved as a fixture`, async () => {
      const sources = filesOf(parser).map((f) => readFileSync(join(CORPUS, parser, f)));
      const mutated = fc.tuple(fc.nat(sources.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 24 }), fc.option(fc.nat())).map(([i, flips, cut]) => {
        const b = Buffer.from(sources[i]!);
        for (const [pos, v] of flips) if (b.length) b[pos % b.length] = v;
        return cut === null ? b : b.subarray(0, cut % (b.length + 1));
      });
      const seed = Number(process.env.KEEPSAKE_FUZZ_SEED ?? Date.now() % 2 ** 31);
      const result = await fc.check(fc.asyncProperty(mutated, async (bytes) => void (await runBytes(importer, name, bytes))), { numRuns: Number(process.env.KEEPSAKE_FUZZ_RUNS ?? 2000), seed });
      if (result.failed && result.counterexample) {
        const [bytes] = result.counterexample;
        writeFileSync(join(CORPUS, parser, `crash-${seed}`), bytes);
      }
      expect(result.failed, `seed ${seed}: ${String(result.errorInstance)}`).toBe(false);
    }, 600_000);
  }
});
