/**
 * A stored readiness evaluation (CONTRACT §4): one admission verdict of one release, with
 * when and by whom it was asked. Only the newest per release is kept: `GET …/readiness`
 * answers it, and `GET /releases/{s}/{v}` shows it beside the evidence it was judged on.
 */
import type { Admission } from './admission.js';

export interface ReadinessEvaluation extends Admission {
  service: string;
  version: string;
  /** The required checks it was judged against, in check order. */
  required: string[];
  evaluated_at: number;
  actor: string;
  correlation_id: string;
}
