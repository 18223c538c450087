/**
 * A freeze window as the API shows it: ISO times, whether it covers now and until when,
 * and `error` (else null) when the stored window can no longer be evaluated and so covers.
 */
import type { Freeze } from '../../../core/freezes/freeze.js';
import { iso } from '../../../core/iso-time.js';
import { brokenWindowMessage, coverageOfFreeze, type BrokenWindowLog } from './freeze-coverage-of.js';

export function presentFreeze(freeze: Freeze, now: number, log?: BrokenWindowLog) {
  const coverage = coverageOfFreeze(freeze, now, log);
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
    error: coverage.error === undefined ? null : brokenWindowMessage(freeze.freeze_id, coverage.error),
  };
}

export type FreezeView = ReturnType<typeof presentFreeze>;
