// The "about Keepsake itself" part of a privacy report (Privacy/): the consent ledger and
// every receipt with its revisions — each with the verdict of its hash chain at the time
// of the export — the data map (categories × locations: counts, bytes, encryption) and
// the non-personal information. None of these files holds the content of an item.
import type { Core } from '../core';
import { matrix } from '../library/datamap';
import { consentLedger, openVault, receiptBook } from '../privacy/ledgers';
import { nonPersonalReport } from '../privacy/non-personal';
import { inside, sha256, writeAtomic } from '../recovery/atomic';
import type { WrittenFile } from './item-files';

export async function writeLedgerFiles(core: Core, root: string, at: number): Promise<WrittenFile[]> {
  const db = openVault(core).indexDb;
  const ledger = consentLedger(core);
  const book = receiptBook(core);
  const docs: Array<[string, unknown]> = [
    ['Privacy/consent-ledger.json', { format: 'keepsake-consent-ledger', version: 1, exportedAt: at, verdict: ledger.verify(), records: ledger.list() }],
    ['Privacy/receipts.json', { format: 'keepsake-receipts', version: 1, exportedAt: at, verdict: book.verify(), receipts: book.list().map((r) => ({ latest: r, history: book.history(r.id) })) }],
    ['Privacy/data-map.json', { format: 'keepsake-data-map', version: 1, exportedAt: at, matrix: matrix(db) }],
    ['Privacy/non-personal.json', { format: 'keepsake-non-personal', version: 1, exportedAt: at, ...nonPersonalReport(db, core.version) }],
  ];
  const out: WrittenFile[] = [];
  for (const [rel, doc] of docs) {
    const body = Buffer.from(`${JSON.stringify(doc, null, 2)}\n`, 'utf8');
    await writeAtomic(inside(root, rel), body);
    out.push({ path: rel, category: 'privacy', sha256: sha256(body), size: body.length });
  }
  return out;
}
