/**
 * Creating an operation (deployment, restart or rollback) is one transaction: read the
 * service, its instances and its lock holder, let the core build or refuse the
 * operation, store it with its targets and the audit events. A second request racing
 * for the same service finds the first one's row and gets 409 `service_locked`.
 *
 * Each kind writes its own transaction from the steps here, in the order it needs:
 *
 *   inOperationTransaction(ctx, async (tx, now) => {
 *     const service = await requireService(tx, name);   // 404 first
 *     ...what only this kind does: register a release, preempt a deployment...
 *     const built = await buildOperationIn(ctx, tx, service, draft, caller, now);
 *     ...refuse what only this kind refuses...
 *     await insertOperation(tx, built, startEvents, caller, now);
 *   });
 *
 * so nothing calls back into its caller, and a dry run is the same steps without the
 * transaction and without `insertOperation`.
 */
import { randomBytes } from 'node:crypto';
import { refusalError } from '../../../core/errors.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { StartEventType } from '../../../core/events/operation-event-details.js';
import { buildOperation, type OperationRequest } from '../../../core/operations/build-operation.js';
import type { Operation, OperationKind, OperationTarget, Service, StrategySpec } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { ServerContext } from '../../server-context.js';
import type { Caller } from '../shared/caller.js';
import { liveInstances } from '../services/service-lookup.js';
import { newOperationTrace } from '../../tracing/new-operation-trace.js';

/** What the caller asks the core to build; the service, its instances and its lock holder come from the store. */
export interface OperationDraft {
  id?: string;
  kind: OperationKind;
  version: string | null;
  instanceIds?: string[];
  strategy?: StrategySpec;
  timeout_s?: number;
  retry_count?: number;
}

/** An operation the core accepted, with one target per instance it changes. */
export interface BuiltOperation {
  operation: Operation;
  targets: OperationTarget[];
}

export function newOperationId(kind: OperationKind): string {
  return `${kind === 'rollback' ? 'rb' : 'dep'}-${randomBytes(6).toString('hex')}`;
}

/**
 * Runs `steps` as one transaction on the time read once at its start; the events they
 * record reach subscribers after the commit, and the reconciler is woken to start the
 * new operation at once instead of at its next pass.
 */
export async function inOperationTransaction<T>(ctx: ServerContext, steps: (tx: Store, now: number) => Promise<T>): Promise<T> {
  const now = ctx.now();
  const result = await transactionWithEvents(ctx.store, ctx.events, (tx) => steps(tx, now));
  ctx.wake.reconcile();
  return result;
}

/**
 * The operation `draft` would start on `service`, built by the core from `store`'s
 * instances and active operation (a transaction, or the plain store for a dry run);
 * throws the core's refusal (409 service_locked, 400 unknown instances, ...).
 */
export async function buildOperationIn(ctx: ServerContext, store: Store, service: Service, draft: OperationDraft, caller: Caller, now: number): Promise<BuiltOperation> {
  const [instances, active] = await Promise.all([liveInstances(store, service.name), store.listOperations({ service: service.name, activeOnly: true, limit: 1 })]);
  const request: OperationRequest = {
    id: draft.id ?? newOperationId(draft.kind),
    kind: draft.kind,
    service,
    version: draft.version,
    ...(draft.instanceIds !== undefined ? { instanceIds: draft.instanceIds } : {}),
    instances,
    activeOperation: active[0],
    ...(draft.strategy !== undefined ? { strategy: draft.strategy } : {}),
    ...(draft.timeout_s !== undefined ? { timeout_s: draft.timeout_s } : {}),
    ...(draft.retry_count !== undefined ? { retry_count: draft.retry_count } : {}),
    canaryDefaults: ctx.canary,
    actor: caller.actor,
    correlation_id: caller.correlationId,
    now,
  };
  const built = buildOperation(request);
  if (!built.ok) throw refusalError(built);
  return { operation: built.operation, targets: built.targets };
}

/**
 * Stores `built` with its targets and records each of `startEvents` (e.g. `deploy_started`
 * and `rollout`) naming the operation, its instances and its strategy, plus `details`.
 */
export async function insertOperation(tx: Store, built: BuiltOperation, startEvents: StartEventType[], caller: Caller, now: number, details: Record<string, unknown> = {}): Promise<void> {
  // The operation keeps the starting request and its trace: its events, goals and spans carry them.
  built.operation.request_id = caller.requestId ?? null;
  built.operation.trace = newOperationTrace(caller.traceContext ?? null);
  await tx.insertOperation(built.operation, built.targets);
  for (const type of startEvents) {
    const envelope = {
      at: now,
      service: built.operation.service,
      version: built.operation.version,
      instance_id: built.targets.length === 1 ? built.targets[0]!.instance_id : null,
      deploy_id: built.operation.id,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      trace_id: built.operation.trace.trace_id,
      request_id: built.operation.request_id,
    };
    const eventDetails = { kind: built.operation.kind, instances: built.targets.map((t) => t.instance_id), strategy: built.operation.strategy, ...details };
    await recordEvent(tx, eventOf(type, envelope, eventDetails));
  }
}
