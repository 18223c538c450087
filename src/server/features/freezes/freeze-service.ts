/**
 * Declaring, listing and removing freeze windows (CONTRACT §4). Everything a body can get
 * wrong is checked before the transaction (400 with the core's reason code, nothing
 * stored); the transaction then finds the service (404) and stores the window with its
 * audit event, or neither.
 */
import { randomBytes } from 'node:crypto';
import { InputError, NotFoundError } from '../../../core/errors.js';
import { eventOf, type FerryEvent } from '../../../core/events/event-catalogue.js';
import { appliesTo, type Freeze } from '../../../core/freezes/freeze.js';
import { checkFreezeWindow, type FreezeRecurrence } from '../../../core/freezes/freeze-window.js';
import { iso, parseIsoTime } from '../../../core/iso-time.js';
import { checkedName } from '../../../core/names.js';
import type { Store } from '../../../store/store.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import { requireService } from '../services/service-lookup.js';
import { callerEventIds, type Caller } from '../shared/caller.js';

/** `POST /api/v1/freezes` as the body schema lets it through. */
export interface FreezeRequest {
  service?: string | null;
  starts_at: string;
  ends_at: string;
  reason: string;
  recurrence?: FreezeRecurrence | null;
}

export async function createFreeze(ctx: ServerContext, input: FreezeRequest, caller: Caller): Promise<Freeze> {
  const now = ctx.now();
  const freeze = checkedFreeze(input, now, caller);
  await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    if (freeze.service !== null) await requireService(tx, freeze.service);
    await tx.insertFreeze(freeze);
    await recordEvent(tx, freezeEvent('freeze_created', freeze, now, caller));
  });
  return freeze;
}

/** The live windows that apply to `service` (its own and the global ones), or every live window. */
export async function listFreezesFor(store: Store, service: string | undefined): Promise<Freeze[]> {
  if (service === undefined) return store.listFreezes();
  checkedName(service, 'service');
  await requireService(store, service);
  return (await store.listFreezes()).filter((f) => appliesTo(f, service));
}

/** A live window by id, or 404 `freeze_not_found` (also for a removed one). */
export async function requireFreeze(store: Store, freezeId: string): Promise<Freeze> {
  const freeze = await store.getFreeze(freezeId);
  if (freeze === undefined || freeze.removed_at !== null) throw new NotFoundError('freeze_not_found', `no freeze window ${freezeId}`, { freeze_id: freezeId });
  return freeze;
}

export async function removeFreeze(ctx: ServerContext, freezeId: string, caller: Caller): Promise<Freeze> {
  const now = ctx.now();
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    await requireFreeze(tx, freezeId);
    const removed = (await tx.removeFreeze(freezeId, now, caller.actor))!;
    await recordEvent(tx, freezeEvent('freeze_removed', removed, now, caller));
    return removed;
  });
}

function checkedFreeze(input: FreezeRequest, now: number, caller: Caller): Freeze {
  const service = input.service ?? null;
  if (service !== null) checkedName(service, 'service');
  const startsAt = parseIsoTime(input.starts_at);
  const endsAt = parseIsoTime(input.ends_at);
  if (startsAt === null || endsAt === null) {
    throw new InputError('bad_freeze_window', 'starts_at and ends_at must be ISO-8601 times with a zone, e.g. 2026-12-24T00:00:00Z');
  }
  const reason = input.reason.trim();
  if (reason === '') throw new InputError('reason_required', 'a freeze window needs a reason, shown to everyone it refuses');
  const recurrence = normalisedRecurrence(input.recurrence ?? null);
  const check = checkFreezeWindow({ starts_at: startsAt, ends_at: endsAt, recurrence });
  if (!check.ok) throw new InputError(check.reason, check.message);
  return {
    freeze_id: `frz_${randomBytes(8).toString('hex')}`,
    service,
    starts_at: startsAt,
    ends_at: endsAt,
    reason,
    recurrence,
    created_at: now,
    created_by: caller.actor,
    removed_at: null,
    removed_by: null,
  };
}

/** Day names in lower case and the zone written out, so the stored window reads the same everywhere. */
function normalisedRecurrence(recurrence: FreezeRecurrence | null): FreezeRecurrence | null {
  if (recurrence === null) return null;
  return {
    weekly: recurrence.weekly.map((span) => ({ day: span.day.trim().toLowerCase(), from: span.from.trim(), to: span.to.trim().toLowerCase() })),
    time_zone: recurrence.time_zone ?? 'UTC',
  };
}


function freezeEvent(type: 'freeze_created' | 'freeze_removed', freeze: Freeze, at: number, caller: Caller): FerryEvent {
  const envelope = { at, service: freeze.service, version: null, instance_id: null, deploy_id: null, actor: caller.actor, correlation_id: caller.correlationId, ...callerEventIds(caller) };
  const details = { freeze_id: freeze.freeze_id, starts_at: iso(freeze.starts_at), ends_at: iso(freeze.ends_at), reason: freeze.reason, recurrence: freeze.recurrence };
  return type === 'freeze_created' ? eventOf('freeze_created', envelope, details) : eventOf('freeze_removed', envelope, details);
}
