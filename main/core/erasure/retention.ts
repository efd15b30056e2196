// Retention rules: "erase screenshots older than 30 days", "call logs older than a year".
// A rule is previewed when it is added (how many items it would erase today) and runs only
// once the person turns it on; then it runs daily while the vault is unlocked, as a job,
// each run with its own receipt. Items under legal hold are never erased by a rule.
import type { Category } from '../../../common/domain';
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { openVault } from '../privacy/ledgers';
import type { Receipt } from '../privacy/receipts';
import { all, get, run, sql, type Db } from '../vault/sql';
import { eraseItems } from './erase';
import { LegalHolds } from './holds';
import { resolveSelection } from './selection';

export interface RetentionRule {
  id: number;
  category: Category;
  olderThanDays: number;
  enabled: boolean;
  lastRunAt: number | null;
  createdAt: number;
  /** Items it would erase if it ran now (held items excluded). */
  wouldErase: number;
}

interface Row {
  id: number;
  category: Category;
  older_than_days: number;
  enabled: number;
  last_run_at: number | null;
  created_at: number;
}

const DAY = 86_400_000;

export class RetentionRules {
  constructor(
    private readonly core: Core,
    private readonly db: Db = openVault(core).indexDb,
  ) {}

  list(): RetentionRule[] {
    return all<Row>(this.db, sql`SELECT * FROM retention_rules ORDER BY id`).map((r) => this.toRule(r));
  }

  /** Adds a rule, switched off: the answer carries the preview the person confirms. */
  add(category: Category, olderThanDays: number): RetentionRule {
    const now = this.core.clock.now();
    run(this.db, sql`INSERT INTO retention_rules (category, older_than_days, enabled, previewed_at, created_at) VALUES (${category}, ${olderThanDays}, 0, ${now}, ${now}) ON CONFLICT (category, older_than_days) DO NOTHING`);
    const row = get<Row>(this.db, sql`SELECT * FROM retention_rules WHERE category = ${category} AND older_than_days = ${olderThanDays}`)!;
    return this.toRule(row);
  }

  setEnabled(id: number, enabled: boolean): RetentionRule {
    if (run(this.db, sql`UPDATE retention_rules SET enabled = ${enabled ? 1 : 0} WHERE id = ${id}`).changes === 0) throw new KeepsakeError('NOT_FOUND', 'There is no such rule.');
    return this.toRule(get<Row>(this.db, sql`SELECT * FROM retention_rules WHERE id = ${id}`)!);
  }

  remove(id: number): void {
    if (run(this.db, sql`DELETE FROM retention_rules WHERE id = ${id}`).changes === 0) throw new KeepsakeError('NOT_FOUND', 'There is no such rule.');
  }

  /** Rules that are on and have not run in the last day. */
  due(): RetentionRule[] {
    const now = this.core.clock.now();
    return this.list().filter((r) => r.enabled && (r.lastRunAt === null || now - r.lastRunAt >= DAY));
  }

  /** Runs one rule now; returns its receipt, or null when there was nothing to erase. */
  async runRule(id: number, report: (phase: string) => void = () => undefined): Promise<Receipt | null> {
    const rule = this.list().find((r) => r.id === id);
    if (!rule) throw new KeepsakeError('NOT_FOUND', 'There is no such rule.');
    const vault = openVault(this.core);
    const { ids, scope } = resolveSelection(vault, { category: rule.category, olderThanDays: rule.olderThanDays }, this.core.clock.now());
    const { free } = new LegalHolds(this.db).partition(ids);
    await vault.afterWrites(() => run(this.db, sql`UPDATE retention_rules SET last_run_at = ${this.core.clock.now()} WHERE id = ${id}`));
    if (!free.length) return null;
    return eraseItems(this.core, vault, { itemIds: free, scope: `retention rule: ${scope}`, kind: 'retention' }, report);
  }

  private toRule(r: Row): RetentionRule {
    const vault = openVault(this.core);
    const { ids } = resolveSelection(vault, { category: r.category, olderThanDays: r.older_than_days }, this.core.clock.now());
    return {
      id: r.id,
      category: r.category,
      olderThanDays: r.older_than_days,
      enabled: r.enabled === 1,
      lastRunAt: r.last_run_at,
      createdAt: r.created_at,
      wouldErase: new LegalHolds(this.db).partition(ids).free.length,
    };
  }
}

/** Runs every due rule as one job (called by the hourly schedule and by "Run now"). */
export function startRetentionRun(core: Core, onlyRule?: number): ReturnType<Core['jobs']['start']> | null {
  const rules = new RetentionRules(core);
  const targets = onlyRule !== undefined ? rules.list().filter((r) => r.id === onlyRule) : rules.due();
  if (!targets.length) return null;
  const started = core.jobs.start({
    kind: 'retention',
    title: targets.length === 1 ? `Retention: ${targets[0]!.category} older than ${targets[0]!.olderThanDays} days` : `Retention rules (${targets.length})`,
    canPause: false,
    run: async (control) => {
      let erased = 0;
      for (const [i, r] of targets.entries()) {
        control.report({ phase: `Rule ${i + 1} of ${targets.length}`, done: i, total: targets.length });
        const receipt = await rules.runRule(r.id, (phase) => control.report({ phase }));
        erased += receipt ? Object.values(receipt.counts).reduce((a, b) => a + b, 0) : 0;
      }
      return erased;
    },
    summarize: (n) => (n ? `Erased ${n} item${n === 1 ? '' : 's'} past their retention` : 'Nothing was past its retention'),
  });
  started.result.catch(() => undefined);
  return started;
}
