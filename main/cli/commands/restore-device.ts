// `keepsake restore-device --to-bundle <dir> [--categories …] [--location precise|approximate|none] [--json]`:
// restores the vault's data for a new phone — an export bundle in standard formats, or
// offers to a paired phone with --to-device — and prints the verification report. The
// identity is re-verified with the passphrase (KEEPSAKE_PASSPHRASE when unattended).
import { RecoveryCategory, type RecoveryPlan, type RecoveryReport, type RecoverySource } from '../../../common/contract/recovery';
import { KeepsakeError } from '../../../common/errors';
import { call } from '../../core/dispatch';
import { verifyIdentity } from '../../core/security/reverify';
import type { Command } from '../command';
import { openVaultFor, PASSPHRASE_HELP, PASSPHRASE_OPTIONS, print, readPassphrase } from './vault-common';
import { humanBytes } from '../../../common/format';
import { waitForJob } from '../wait-for-job';

export const restoreDeviceCommand: Command = {
  name: 'restore-device',
  usage: [
    'Usage: keepsake restore-device (--to-bundle DIR | --to-device ID) [--categories C,C…] [--from DATE] [--to DATE]',
    '         [--source everything|device:ID|snapshot:N|date:DATE] [--location precise|approximate|none]',
    '         [--location-minutes N] [--preview] [--json]',
    '',
    'Writes contacts (.vcf), calendar (.ics), messages and calls (SMS Backup & Restore XML),',
    'notes (Markdown), email (mbox) and photos/videos (Photos/YYYY/MM) and re-reads every file',
    'to verify it. Location is shared only as chosen (default: none), for this recovery only.',
    `Categories: ${RecoveryCategory.options.join(', ')}.`,
    PASSPHRASE_HELP,
  ].join('\n'),
  options: {
    ...PASSPHRASE_OPTIONS,
    'to-bundle': { type: 'string' },
    'to-device': { type: 'string' },
    categories: { type: 'string', multiple: true },
    source: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    location: { type: 'string' },
    'location-minutes': { type: 'string' },
    preview: { type: 'boolean' },
  },
  async run(ctx) {
    const plan = planFrom(ctx.values);
    await openVaultFor(ctx);
    const core = ctx.core();
    const preview = await call(core, 'recovery.preview', plan);
    if (ctx.values.preview) {
      const counts = Object.entries(preview.counts).map(([c, n]) => `${c}: ${n}`).join(', ') || 'nothing';
      print(ctx, { preview }, `Would restore ${counts} (${humanBytes(preview.bytes)}).\nLocation: ${preview.location.summary}`);
      return 0;
    }
    await verifyIdentity(core, await readPassphrase(ctx));
    const job = await call(core, 'recovery.start', plan);
    const done = await waitForJob(ctx.core(), job.id);
    if (done.state !== 'succeeded') throw new KeepsakeError(done.error?.code ?? 'INTERNAL', done.error?.message ?? 'The restore did not finish.');
    const report = await call(core, 'recovery.report', { id: job.id });
    print(ctx, { report }, reportText(report));
    // A phone verifies each file by hash as it pulls it, after this command ends: offering everything is success here.
    if (report.target.kind === 'device') return report.state === 'finished' ? 0 : 1;
    return report.ok ? 0 : 1;
  },
};

export function reportText(r: RecoveryReport): string {
  const lines = [`Recovery ${r.id} → ${r.target.kind === 'bundle' ? r.target.dir : `phone ${r.target.deviceId}`}: ${r.ok ? 'verified' : 'NOT fully verified'}`];
  for (const c of r.categories) {
    lines.push(`  ${c.category}: expected ${c.expected}, written ${c.written}, verified ${c.verified}${c.skipped.length ? `, skipped ${c.skipped.length}` : ''}`);
    for (const s of c.skipped.slice(0, 5)) lines.push(`    skipped ${s.itemId}: ${s.reason}`);
    for (const [f, n] of Object.entries(c.unsupported)) lines.push(`    not carried by the format: ${f} (${n})`);
  }
  if (r.erasedLeftOut) lines.push(`  ${r.erasedLeftOut} erased item${r.erasedLeftOut === 1 ? '' : 's'} left out (erased items never come back).`);
  lines.push(`  Location (${r.location.precision}): ${r.location.shared} precise, ${r.location.coarsened} rounded to about 1 km, ${r.location.removed} removed.`);
  for (const n of r.location.notes) lines.push(`    ${n}`);
  if (r.target.kind === 'device' && !r.ok) lines.push('  Offered to the phone: it checks each file by hash as it pulls it; the report counts what it has verified so far.');
  if (r.location.purgeReceiptId) lines.push(`  Location data collected for this recovery was erased (receipt ${r.location.purgeReceiptId}).`);
  return lines.join('\n');
}

function date(v: unknown, what: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new KeepsakeError('BAD_INPUT', `${what} "${v}" is not a date (use YYYY-MM-DD).`);
  return t;
}

function sourceFrom(v: unknown): RecoverySource {
  if (typeof v !== 'string' || v === 'everything') return { kind: 'everything' };
  const [kind, ...rest] = v.split(':');
  const arg = rest.join(':');
  if (kind === 'device' && arg) return { kind: 'device', deviceId: arg };
  if (kind === 'snapshot' && /^\d+$/.test(arg)) return { kind: 'snapshot', snapshotId: Number(arg) };
  if (kind === 'date') return { kind: 'date', at: date(arg, '--source date')! };
  throw new KeepsakeError('BAD_INPUT', `--source "${v}" is not understood. Use everything, device:ID, snapshot:N or date:YYYY-MM-DD.`);
}

export function planFrom(v: Record<string, unknown>): RecoveryPlan {
  const bundle = v['to-bundle'];
  const device = v['to-device'];
  if ((typeof bundle === 'string') === (typeof device === 'string')) throw new KeepsakeError('BAD_INPUT', 'Say where to restore to: --to-bundle DIR or --to-device ID (one of them).');
  const cats = ((v.categories as string[] | undefined) ?? []).flatMap((c) => c.split(',')).map((c) => c.trim()).filter(Boolean);
  for (const c of cats) if (!RecoveryCategory.safeParse(c).success) throw new KeepsakeError('BAD_INPUT', `Unknown category "${c}". Use: ${RecoveryCategory.options.join(', ')}.`);
  const precision = v.location ?? 'none';
  if (precision !== 'precise' && precision !== 'approximate' && precision !== 'none') throw new KeepsakeError('BAD_INPUT', '--location must be precise, approximate or none.');
  const minutes = v['location-minutes'] === undefined ? 60 : Number(v['location-minutes']);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60) throw new KeepsakeError('BAD_INPUT', '--location-minutes must be a whole number of minutes, at most a week.');
  const plan: RecoveryPlan = {
    source: sourceFrom(v.source),
    target: typeof bundle === 'string' ? { kind: 'bundle', dir: bundle } : { kind: 'device', deviceId: device as string },
    location: { precision, expiresInMinutes: minutes },
  };
  if (cats.length) plan.categories = [...new Set(cats)] as RecoveryCategory[];
  const from = date(v.from, '--from');
  const to = date(v.to, '--to');
  if (from !== undefined) plan.from = from;
  if (to !== undefined) plan.to = to + (typeof v.to === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.to) ? 86_399_999 : 0);
  return plan;
}
