// erase.*, receipts.*, consent.*, holds.* handlers: the privacy center.
import { KeepsakeError } from '../../../common/errors';
import type { Core } from '../core';
import { startErase } from '../erasure/erase';
import { LegalHolds } from '../erasure/holds';
import { previewErase } from '../erasure/preview';
import { RetentionRules, startRetentionRun } from '../erasure/retention';
import { CHILD_SYNC_PURPOSE, deviceRecipient } from '../devices/ledger-consent-gate';
import { requireFreshIdentity } from '../security/reverify';
import { get, sql } from '../vault/sql';
import { consentLedger, openVault, receiptBook } from '../privacy/ledgers';
import { nonPersonalReport } from '../privacy/non-personal';
import { startPrivacyReport } from '../privacy-report/report-job';
import { receiptHtml } from '../privacy/receipt-page';
import { RateLimiter, RATE_RULES } from '../rate-limit';
import type { DomainHandlers } from './types';

/**
 * A short write on the vault's index, in turn with the vault's own writes
 * (Vault.afterWrites): during an import's storage-worker batch it waits without freezing
 * the event loop, and resolves once committed.
 */
function queued<T>(core: Core, fn: () => T): Promise<T> {
  return openVault(core).afterWrites(fn);
}

const limiters = new WeakMap<Core, RateLimiter>();
function limiter(core: Core): RateLimiter {
  let l = limiters.get(core);
  if (!l) limiters.set(core, (l = new RateLimiter(() => core.clock.now())));
  return l;
}

export const eraseHandlers: DomainHandlers<'erase'> = {
  'erase.preview': async ({ selection }, core) => previewErase(openVault(core), selection, core.clock.now()),
  'erase.start': async (input, core) => {
    const { info, receiptId } = startErase(core, limiter(core), input);
    return { ...info, receiptId };
  },
};

export const receiptHandlers: DomainHandlers<'receipts'> = {
  'receipts.list': async (_i, core) => receiptBook(core).list(),
  'receipts.get': async ({ id }, core) => {
    const book = receiptBook(core);
    const receipt = book.get(id);
    if (!receipt) throw new KeepsakeError('NOT_FOUND', 'There is no such receipt.');
    return { receipt, history: book.history(id), html: receiptHtml(receipt) };
  },
  'receipts.verify': async (_i, core) => {
    limiter(core).take('verify', RATE_RULES.verify);
    return receiptBook(core).verify();
  },
};

export const consentHandlers: DomainHandlers<'consent'> = {
  'consent.list': async (_i, core) => {
    const ledger = consentLedger(core);
    return ledger.list().map((r) => {
      if (r.action !== 'granted') return r;
      const state = ledger.active(r.subject, r.purpose, r.recipient);
      const live = state.live && state.grant.id === r.id;
      return live ? { ...r, live } : { ...r, live, endedBecause: state.live ? 'a newer consent replaced it' : state.reason };
    });
  },
  'consent.withdraw': async ({ id }, core) => queued(core, () => consentLedger(core).withdraw(id)),
  'consent.grantChild': async ({ deviceId }, core) => {
    requireFreshIdentity(core);
    return queued(core, () => {
      const known = get<{ child: number }>(openVault(core).indexDb, sql`SELECT child FROM device_pairings WHERE device_id = ${deviceId}`);
      if (!known) throw new KeepsakeError('NOT_FOUND', 'There is no such device.');
      if (!known.child) throw new KeepsakeError('CONFLICT', "This device is not marked as a child's device.");
      return consentLedger(core).grant({ subject: 'child-data', purpose: CHILD_SYNC_PURPOSE, recipient: deviceRecipient(deviceId), precision: 'none', expiresAt: null });
    });
  },
  'consent.verify': async (_i, core) => {
    limiter(core).take('verify', RATE_RULES.verify);
    return consentLedger(core).verify();
  },
};

export const holdHandlers: DomainHandlers<'holds'> = {
  'holds.list': async (_i, core) => new LegalHolds(openVault(core).indexDb).list(),
  'holds.add': async (input, core) => {
    const holds = new LegalHolds(openVault(core).indexDb, () => core.clock.now());
    return queued(core, () => ('itemId' in input ? holds.holdItem(input.itemId, input.reason) : holds.holdCategory(input.category, input.reason)));
  },
  'holds.release': async ({ id }, core) => {
    await queued(core, () => new LegalHolds(openVault(core).indexDb).release(id));
    return { ok: true as const };
  },
};

export const retentionHandlers: DomainHandlers<'retention'> = {
  'retention.list': async (_i, core) => new RetentionRules(core).list(),
  'retention.add': async ({ category, olderThanDays }, core) => queued(core, () => new RetentionRules(core).add(category, olderThanDays)),
  'retention.setEnabled': async ({ id, enabled }, core) => {
    if (enabled) requireFreshIdentity(core);
    return queued(core, () => new RetentionRules(core).setEnabled(id, enabled));
  },
  'retention.remove': async ({ id }, core) => {
    await queued(core, () => new RetentionRules(core).remove(id));
    return { ok: true as const };
  },
  'retention.run': async ({ id }, core) => {
    requireFreshIdentity(core);
    limiter(core).take('erase', RATE_RULES.erase);
    return startRetentionRun(core, id)?.info ?? null;
  },
};

export const privacyHandlers: DomainHandlers<'privacy'> = {
  'privacy.nonPersonal': async (_i, core) => nonPersonalReport(openVault(core).indexDb, core.version),
  'privacy.report': async (input, core) => startPrivacyReport(core, limiter(core), input).info,
};
