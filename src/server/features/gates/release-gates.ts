/**
 * The release gates every version change passes before it is stored (CONTRACT §4): a
 * freeze window covering the service (422 frozen, unless overridden) and, for a
 * whole-service change when readiness is enforced, admission (422 not_admitted).
 * Rollbacks, restarts and drift rebuilds never come here: they are never gated.
 */
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { enforceFreeze, refuseIfFrozen } from '../freezes/freeze-gate.js';
import { enforceReadiness } from '../readiness/readiness-gate.js';
import type { GateRequest } from './gate-request.js';

/** Throws the first refusal; writes the `freeze_overridden` audit event inside `tx` when an override passes a freeze. */
export async function enforceReleaseGates(ctx: ServerContext, tx: Store, request: GateRequest): Promise<void> {
  await enforceFreeze(ctx, tx, request);
  await enforceReadiness(ctx, tx, request);
}

/**
 * The same refusals, in the same order, for a dry run: nothing is written, not even the
 * `freeze_overridden` an override would audit (the preview changes nothing to audit).
 */
export async function previewReleaseGates(ctx: ServerContext, store: Store, request: GateRequest): Promise<void> {
  await refuseIfFrozen(store, request);
  await enforceReadiness(ctx, store, request);
}
