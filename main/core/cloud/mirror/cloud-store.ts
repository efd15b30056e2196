// The cloud tables inside the vault's encrypted index (migration 0500): configured
// targets with their settings, credentials, schedule, bandwidth and health line, and the
// objects uploaded to each and verified there. Credentials live only here — inside the
// encrypted database — and are never returned by list() or written to a log.
import { randomBytes } from 'node:crypto';
import { KeepsakeError } from '../../../../common/errors';
import { all, get, run, sql, type Db } from '../../vault/sql';
import { cloudSchema } from '../../vault/migrations/0500-cloud';
import { TargetSecrets, TargetSettings, describeSettings } from '../target-config';

export interface TargetRecord {
  id: string;
  kind: TargetSettings['kind'];
  label: string;
  settings: TargetSettings;
  createdAt: number;
  scheduleMinutes: number;
  bandwidthBps: number;
  highestCounter: number;
  health: TargetHealth;
  conformance: unknown;
}

export interface TargetHealth {
  lastSuccessAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  bytesUp: number;
  objects: number;
  errors: number;
}

export interface StoredObject {
  name: string;
  kind: 'pack' | 'segment' | 'key-slots';
  logical: string;
  size: number;
  sha256: string;
  verifiedAt: number;
}

interface Row {
  id: string;
  kind: string;
  label: string;
  settings: string;
  created_at: number;
  schedule_minutes: number;
  bandwidth_bps: number;
  highest_counter: number;
  last_success_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  bytes_up: number;
  objects: number;
  errors: number;
  conformance: string | null;
}

/** Applies migration 0500 if the vault's own migration list has not (idempotent). */
export function ensureCloudSchema(db: Db): void {
  const has = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'cloud_targets'`).get();
  if (!has) db.transaction(() => cloudSchema.up(db))();
}

export class CloudStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {
    ensureCloudSchema(db);
  }

  add(settings: TargetSettings, secrets: TargetSecrets, conformance: unknown = null): TargetRecord {
    const id = `t-${randomBytes(6).toString('hex')}`;
    run(this.db, sql`INSERT INTO cloud_targets (id, kind, label, settings, secrets, created_at, conformance) VALUES (${id}, ${settings.kind}, ${describeSettings(settings)}, ${JSON.stringify(settings)}, ${JSON.stringify(secrets)}, ${this.now()}, ${conformance === null ? null : JSON.stringify(conformance)})`);
    return this.get(id);
  }

  list(): TargetRecord[] {
    return all<Row>(this.db, sql`SELECT * FROM cloud_targets ORDER BY created_at, id`).map(toRecord);
  }

  get(id: string): TargetRecord {
    const row = get<Row>(this.db, sql`SELECT * FROM cloud_targets WHERE id = ${id}`);
    if (!row) throw new KeepsakeError('NOT_FOUND', 'There is no such cloud target.');
    return toRecord(row);
  }

  secrets(id: string): TargetSecrets {
    const row = get<{ secrets: string }>(this.db, sql`SELECT secrets FROM cloud_targets WHERE id = ${id}`);
    if (!row) throw new KeepsakeError('NOT_FOUND', 'There is no such cloud target.');
    return TargetSecrets.parse(JSON.parse(row.secrets));
  }

  remove(id: string): void {
    this.get(id);
    run(this.db, sql`DELETE FROM cloud_targets WHERE id = ${id}`);
  }

  setSchedule(id: string, minutes: number): void {
    this.get(id);
    run(this.db, sql`UPDATE cloud_targets SET schedule_minutes = ${minutes} WHERE id = ${id}`);
  }

  setBandwidth(id: string, bytesPerSecond: number): void {
    this.get(id);
    run(this.db, sql`UPDATE cloud_targets SET bandwidth_bps = ${bytesPerSecond} WHERE id = ${id}`);
  }

  objects(targetId: string): Map<string, StoredObject> {
    const rows = all<{ name: string; kind: StoredObject['kind']; logical: string; size: number; sha256: string; verified_at: number }>(this.db, sql`SELECT name, kind, logical, size, sha256, verified_at FROM cloud_objects WHERE target_id = ${targetId}`);
    return new Map(rows.map((r) => [r.name, { name: r.name, kind: r.kind, logical: r.logical, size: r.size, sha256: r.sha256, verifiedAt: r.verified_at }]));
  }

  recordObject(targetId: string, o: Omit<StoredObject, 'verifiedAt'>): void {
    this.recordObjects(targetId, [o]);
  }

  /** Several records in one transaction: one commit (one fsync) instead of one per object. */
  recordObjects(targetId: string, objects: ReadonlyArray<Omit<StoredObject, 'verifiedAt'>>): void {
    const at = this.now();
    this.db.transaction(() => {
      for (const o of objects) {
        run(
          this.db,
          sql`INSERT INTO cloud_objects (target_id, name, kind, logical, size, sha256, verified_at) VALUES (${targetId}, ${o.name}, ${o.kind}, ${o.logical}, ${o.size}, ${o.sha256}, ${at})
              ON CONFLICT (target_id, name) DO UPDATE SET kind = excluded.kind, logical = excluded.logical, size = excluded.size, sha256 = excluded.sha256, verified_at = excluded.verified_at`,
        );
      }
    })();
  }

  forgetObjects(targetId: string, names: Iterable<string>): void {
    this.db.transaction(() => {
      for (const n of names) run(this.db, sql`DELETE FROM cloud_objects WHERE target_id = ${targetId} AND name = ${n}`);
    })();
  }

  noteCounter(targetId: string, counter: number): void {
    run(this.db, sql`UPDATE cloud_targets SET highest_counter = max(highest_counter, ${counter}) WHERE id = ${targetId}`);
  }

  recordSuccess(targetId: string, bytes: number, objects: number): void {
    const at = this.now();
    run(this.db, sql`UPDATE cloud_targets SET last_success_at = ${at}, last_attempt_at = ${at}, last_error = NULL, bytes_up = bytes_up + ${bytes}, objects = ${objects} WHERE id = ${targetId}`);
  }

  recordFailure(targetId: string, message: string, bytes: number): void {
    run(this.db, sql`UPDATE cloud_targets SET last_attempt_at = ${this.now()}, last_error = ${message.slice(0, 500)}, errors = errors + 1, bytes_up = bytes_up + ${bytes} WHERE id = ${targetId}`);
  }

  setConformance(targetId: string, report: unknown): void {
    run(this.db, sql`UPDATE cloud_targets SET conformance = ${JSON.stringify(report)} WHERE id = ${targetId}`);
  }
}

function toRecord(r: Row): TargetRecord {
  return {
    id: r.id,
    kind: r.kind as TargetRecord['kind'],
    label: r.label,
    settings: TargetSettings.parse(JSON.parse(r.settings)),
    createdAt: r.created_at,
    scheduleMinutes: r.schedule_minutes,
    bandwidthBps: r.bandwidth_bps,
    highestCounter: r.highest_counter,
    health: { lastSuccessAt: r.last_success_at, lastAttemptAt: r.last_attempt_at, lastError: r.last_error, bytesUp: r.bytes_up, objects: r.objects, errors: r.errors },
    conformance: r.conformance ? (JSON.parse(r.conformance) as unknown) : null,
  };
}
