/** A freeze window as the API shows it: ISO times, and whether it covers now and until when. */
import type { Freeze } from '../../../core/freezes/freeze.js';
import { iso } from '../../../core/iso-time.js';
import { coverageOfFreeze } from './freeze-coverage-of.js';

export function presentFreeze(freeze: Freeze, now: number) {
  const coverage = coverageOfFreeze(freeze, now);
  return {
    freeze_id: freeze.freeze_id,
    service: freeze.service,
    starts_at: iso(freeze.starts_at),
    ends_at: iso(freeze.ends_at),
    reason: freeze.reason,
    recurrence: freeze.recurrence,
    created_at: iso(freeze.created_at),
    created_by: freeze.created_by,
    active_now: coverage.covered,
    current_ends_at: coverage.covered ? iso(coverage.ends_at) : null,
    removed_at: iso(freeze.removed_at),
    removed_by: freeze.removed_by,
  };
}

export type FreezeView = ReturnType<typeof presentFreeze>;
