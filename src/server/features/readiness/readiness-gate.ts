/**
 * The readiness gate (CONTRACT §4): when readiness is enforced (P6_READINESS_REQUIRED or
 * the service's `readiness.enforce`), a whole-service change or a promotion to stable of
 * a release that is not admitted is refused with 422 `not_admitted`, naming what failed
 * and what is missing. Admission is judged from the evidence at that moment, not from a
 * stored evaluation, so a record posted a second ago counts without a re-evaluation.
 * Partial deployments, restarts, rollbacks and drift rebuilds never reach this gate.
 */
import { UnprocessableError } from '../../../core/errors.js';
import { shortfallSentence } from '../../../core/readiness/shortfall-sentence.js';
import type { Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import type { GateRequest } from '../gates/gate-request.js';
import { judgeRelease } from './readiness-service.js';

/** Why a release is not admitted: what a refusal's details and `ferry preflight` list. */
export interface AdmissionShortfall {
  failed_checks: string[];
  missing_checks: string[];
  /** Replay always holds a release (CONTRACT §4), named in failed/missing only when required. */
  replay_passed: boolean;
}

/** Whether readiness is enforced for `service` (P6_READINESS_REQUIRED or `readiness.enforce`). */
export function readinessEnforced(ctx: ServerContext, service: Service): boolean {
  return ctx.readiness?.requiredEverywhere === true || service.readiness?.enforce === true;
}

/**
 * Why `version` of `service` is not admitted at `now`, or null when it is. `_ctx` is unused
 * but kept: preflight's GateReaders and the channel promotion call this signature.
 */
export async function admissionShortfall(_ctx: ServerContext, store: Store, service: Service, version: string, now: number): Promise<AdmissionShortfall | null> {
  const verdict = await judgeRelease(store, service, service.name, version, now, { actor: 'ferry', correlationId: 'gate' });
  if (verdict.admitted) return null;
  return { failed_checks: verdict.failed_checks, missing_checks: verdict.missing_checks, replay_passed: verdict.replay_passed };
}

/** Throws 422 `not_admitted` for a whole-service change or a promotion when enforced and not admitted. */
export async function enforceReadiness(ctx: ServerContext, tx: Store, request: GateRequest): Promise<void> {
  if (!request.wholeService && request.action !== 'promote') return;
  if (!readinessEnforced(ctx, request.service)) return;
  const shortfall = await admissionShortfall(ctx, tx, request.service, request.version, request.now);
  if (shortfall === null) return;
  throw new UnprocessableError('not_admitted', notAdmittedMessage(request.service.name, request.version, shortfall), { ...shortfall, service: request.service.name, version: request.version });
}

/**
 * One sentence naming every reason (core/readiness/shortfall-sentence.ts), e.g.
 *   "release web 2.0.0 is not admitted: failed security; missing cost, ops; replay has not passed; post evidence (ferry evidence add) and retry"
 */
export function notAdmittedMessage(service: string, version: string, shortfall: AdmissionShortfall): string {
  return `release ${service} ${version} is not admitted: ${shortfallSentence(shortfall)}; post evidence (ferry evidence add) and retry`;
}
