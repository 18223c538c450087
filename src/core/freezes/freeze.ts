/**
 * A stored freeze window: who declared it, for which service (null: every service), and
 * whether it was removed. Removal keeps the row (and the audit keeps `freeze_removed`),
 * so a past refusal can always be traced to the window that made it.
 */
import type { FreezeRecurrence, FreezeWindowSpec } from './freeze-window.js';

export interface Freeze {
  freeze_id: string;
  /** Null for a global window, which covers every service. */
  service: string | null;
  starts_at: number;
  ends_at: number;
  reason: string;
  recurrence: FreezeRecurrence | null;
  created_at: number;
  created_by: string;
  removed_at: number | null;
  removed_by: string | null;
}

/** The part of a stored freeze that coverage is decided from. */
export function windowSpecOf(freeze: Freeze): FreezeWindowSpec {
  return { starts_at: freeze.starts_at, ends_at: freeze.ends_at, recurrence: freeze.recurrence };
}

/** True when `freeze` applies to `service`: its own window, or a global one. */
export function appliesTo(freeze: Freeze, service: string): boolean {
  return freeze.service === null || freeze.service === service;
}
