/**
 * The freeze gate (CONTRACT §4): while a window (the service's own or a global one)
 * covers the service, a deployment, channel deploy or promotion is refused with 422
 * `frozen`, naming the window and when it ends, unless the request carries
 * `override_freeze: {reason}`; then `freeze_overridden` is recorded in the transaction
 * that stores the change, so the override and the change commit or vanish together.
 * Rollbacks, restarts and drift rebuilds never come here. A stored window that can no
 * longer be evaluated covers (fails closed) and the refusal says to remove or fix it.
 */
import { InputError, UnprocessableError } from '../../../core/errors.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import { appliesTo } from '../../../core/freezes/freeze.js';
import { iso } from '../../../core/iso-time.js';
import type { Store } from '../../../store/store.js';
import { recordEvent } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import type { GateRequest } from '../gates/gate-request.js';
import { callerEventIds } from '../shared/caller.js';
import { brokenWindowMessage, coverageOfFreeze, type BrokenWindowLog } from './freeze-coverage-of.js';

/** The window covering a service at a moment: what a refusal and `ferry preflight` name. */
export interface FreezeHit {
  freeze_id: string;
  /** null for a global window. */
  service: string | null;
  reason: string;
  /** Epoch ms at which the covering occurrence ends. */
  ends_at: number;
  /** Set when the window no longer checks (e.g. its time zone is gone) and covers because of it. */
  error?: string;
}

/**
 * The window covering `service` at `now`, or null. When several cover it, the one that
 * ends last: it is the one that decides when the service thaws.
 */
export async function coveringFreeze(store: Store, service: string, now: number, log?: BrokenWindowLog): Promise<FreezeHit | null> {
  let hit: FreezeHit | null = null;
  for (const freeze of await store.listFreezes()) {
    if (!appliesTo(freeze, service)) continue;
    const coverage = coverageOfFreeze(freeze, now, log);
    if (!coverage.covered || (hit !== null && coverage.ends_at <= hit.ends_at)) continue;
    hit = { freeze_id: freeze.freeze_id, service: freeze.service, reason: freeze.reason, ends_at: coverage.ends_at, ...(coverage.error !== undefined ? { error: coverage.error } : {}) };
  }
  return hit;
}

/** Throws 422 `frozen` naming the window, or audits `freeze_overridden` in `tx` when the request overrides it. */
export async function enforceFreeze(ctx: ServerContext, tx: Store, request: GateRequest): Promise<void> {
  const passed = await refuseIfFrozen(tx, request, ctx.log);
  if (passed === null) return;
  const { hit, overrideReason } = passed;
  const { caller } = request;
  await recordEvent(
    tx,
    eventOf(
      'freeze_overridden',
      { at: request.now, service: request.service.name, version: request.version, instance_id: null, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, ...callerEventIds(caller) },
      { freeze_id: hit.freeze_id, freeze_reason: hit.reason, override_reason: overrideReason, action: request.action, freeze_ends_at: iso(hit.ends_at) },
    ),
  );
}

/**
 * The freeze gate's judgement without its audit: throws 422 `frozen` (or 400
 * `reason_required` for a blank override), else answers the window an override passes, or
 * null when none covers the service. Dry runs and the promotion's early check ask this, so
 * a request that stores nothing audits nothing.
 */
export async function refuseIfFrozen(store: Store, request: GateRequest, log?: BrokenWindowLog): Promise<{ hit: FreezeHit; overrideReason: string } | null> {
  const service = request.service.name;
  const hit = await coveringFreeze(store, service, request.now, log);
  if (hit === null) return null;
  if (request.overrideFreeze === undefined) throw frozenRefusal(service, hit);

  const overrideReason = request.overrideFreeze.reason.trim();
  if (overrideReason === '') throw new InputError('reason_required', 'override_freeze needs a reason; it is audited');
  return { hit, overrideReason };
}

/** 422 `frozen` naming the window; for a window that cannot be evaluated, why and what to do. */
function frozenRefusal(service: string, hit: FreezeHit): UnprocessableError {
  const endsAt = iso(hit.ends_at);
  const scope = hit.service === null ? 'every service' : service;
  const details = { freeze_id: hit.freeze_id, reason: hit.reason, ends_at: endsAt };
  const retry = 'or pass override_freeze with a reason (ferry deploy --override-freeze REASON)';
  if (hit.error !== undefined) {
    return new UnprocessableError('frozen', `${scope} is frozen (${hit.reason}): ${brokenWindowMessage(hit.freeze_id, hit.error)}; ${retry}`, { ...details, error: hit.error });
  }
  return new UnprocessableError('frozen', `${scope} is frozen by window ${hit.freeze_id} (${hit.reason}) until ${endsAt}; retry then, ${retry}`, details);
}
