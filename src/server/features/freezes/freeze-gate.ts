/**
 * SEAM, filled by the freeze-windows work: refuses a change while a freeze window covers
 * the service. Until then no window exists, so nothing is refused.
 */
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import type { GateRequest } from '../gates/gate-request.js';

/** The window covering a service at a moment: what a refusal and `ferry preflight` name. */
export interface FreezeHit {
  freeze_id: string;
  /** null for a global window. */
  service: string | null;
  reason: string;
  /** Epoch ms at which the covering occurrence ends. */
  ends_at: number;
}

/** The window covering `service` at `now`, or null. */
export async function coveringFreeze(_store: Store, _service: string, _now: number): Promise<FreezeHit | null> {
  return null;
}

/** Throws 422 `frozen` naming the window, or audits `freeze_overridden` in `tx` when the request overrides it. */
export async function enforceFreeze(_ctx: ServerContext, _tx: Store, _request: GateRequest): Promise<void> {}
