/**
 * Creating an operation (deployment, restart or rollback) is one transaction: read the
 * service, its instances and its lock holder, let the core build or refuse the
 * operation, store it with its targets and the audit events. A second request racing
 * for the same service finds the first one's row and gets 409 `service_locked`.
 */
import { randomBytes } from 'node:crypto';
import { newOperationTrace } from '../../tracing/new-operation-trace.js';
import { buildOperation, type OperationRequest } from '../../../core/operations/build-operation.js';
import type { Operation, OperationKind, OperationTarget, StrategySpec } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import { refusalError } from '../../http/error-reply.js';
import type { ServerContext } from '../../server-context.js';
import { eventOf } from '../../../core/events/event-catalogue.js';
import type { StartEventType } from '../../../core/events/operation-event-details.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import type { Caller } from '../releases/release-service.js';
import { liveInstances, requireService } from '../services/service-lookup.js';

export interface StartOperationInput {
  id?: string;
  kind: OperationKind;
  service: string;
  version: string | null;
  instanceIds?: string[];
  strategy?: StrategySpec;
  timeout_s?: number;
  retry_count?: number;
  /** Audit events written with the operation, e.g. `deploy_started` and `rollout`. */
  startEvents: StartEventType[];
  details?: Record<string, unknown>;
  /** Runs first inside the transaction, e.g. to register a release or preempt a deployment. */
  before?: (tx: Store) => Promise<void>;
  /** Runs on the built operation before it is stored; throws to refuse it. */
  validate?: (built: { operation: Operation; targets: OperationTarget[] }) => void;
}

export function newOperationId(kind: OperationKind): string {
  return `${kind === 'rollback' ? 'rb' : 'dep'}-${randomBytes(6).toString('hex')}`;
}

export async function startOperation(ctx: ServerContext, input: StartOperationInput, caller: Caller): Promise<{ operation: Operation; targets: OperationTarget[] }> {
  const now = ctx.now();
  const result = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
    const built = await buildIn(ctx, tx, input, caller, now, input.before);
    input.validate?.(built);
    built.operation.request_id = caller.requestId ?? null;
    built.operation.trace = newOperationTrace(caller.traceContext ?? null);
    await tx.insertOperation(built.operation, built.targets);
    for (const type of input.startEvents) {
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
      const details = { kind: built.operation.kind, instances: built.targets.map((t) => t.instance_id), strategy: built.operation.strategy, ...input.details };
      await recordEvent(tx, eventOf(type, envelope, details));
    }
    return built;
  });
  ctx.wake.reconcile();
  return result;
}

/**
 * The operation `input` would start, built by the same core code from the same reads and
 * refused for the same reasons (409 service_locked included), but stored nowhere: the
 * dry run of a deployment. `input.before` is not run: a dry run registers nothing.
 */
export async function previewOperation(ctx: ServerContext, input: StartOperationInput, caller: Caller): Promise<{ operation: Operation; targets: OperationTarget[] }> {
  const built = await buildIn(ctx, ctx.store, input, caller, ctx.now(), undefined);
  input.validate?.(built);
  return built;
}

async function buildIn(
  ctx: ServerContext,
  tx: Store,
  input: StartOperationInput,
  caller: Caller,
  now: number,
  before: ((tx: Store) => Promise<void>) | undefined,
): Promise<{ operation: Operation; targets: OperationTarget[] }> {
  const service = await requireService(tx, input.service);
  await before?.(tx);
  const [instances, active] = await Promise.all([liveInstances(tx, service.name), tx.listOperations({ service: service.name, activeOnly: true, limit: 1 })]);
  const request: OperationRequest = {
    id: input.id ?? newOperationId(input.kind),
    kind: input.kind,
    service,
    version: input.version,
    ...(input.instanceIds !== undefined ? { instanceIds: input.instanceIds } : {}),
    instances,
    activeOperation: active[0],
    ...(input.strategy !== undefined ? { strategy: input.strategy } : {}),
    ...(input.timeout_s !== undefined ? { timeout_s: input.timeout_s } : {}),
    ...(input.retry_count !== undefined ? { retry_count: input.retry_count } : {}),
    canaryDefaults: ctx.canary,
    actor: caller.actor,
    correlation_id: caller.correlationId,
    now,
  };
  const built = buildOperation(request);
  if (!built.ok) throw refusalError(built);
  return { operation: built.operation, targets: built.targets };
}
