/**
 * SEAM, filled by the readiness work: refuses a whole-service change or a promotion of a
 * release that is not admitted, when readiness is enforced. Until then nothing is enforced.
 */
import type { Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import type { GateRequest } from '../gates/gate-request.js';

/** Why a release is not admitted: what a refusal's details and `ferry preflight` list. */
export interface AdmissionShortfall {
  failed_checks: string[];
  missing_checks: string[];
  replay_passed: boolean;
}

/** Whether readiness is enforced for `service` (P6_READINESS_REQUIRED or `readiness.enforce`). */
export function readinessEnforced(_ctx: ServerContext, _service: Service): boolean {
  return false;
}

/** Why `version` of `service` is not admitted at `now`, or null when it is. */
export async function admissionShortfall(_ctx: ServerContext, _store: Store, _service: Service, _version: string, _now: number): Promise<AdmissionShortfall | null> {
  return null;
}

/** Throws 422 `not_admitted` for a whole-service change or a promotion when enforced and not admitted. */
export async function enforceReadiness(_ctx: ServerContext, _tx: Store, _request: GateRequest): Promise<void> {}
