/**
 * Coverage of a stored window, checked again from its declaration: what the presenter
 * and the gate share. A stored window passed the same check when it was created; one that
 * no longer does (its time zone gone from the runtime's data) is a bug to surface, not a
 * window to ignore silently, so it throws.
 */
import { freezeCoverage, type Coverage } from '../../../core/freezes/freeze-coverage.js';
import { windowSpecOf, type Freeze } from '../../../core/freezes/freeze.js';
import { checkFreezeWindow } from '../../../core/freezes/freeze-window.js';

export function coverageOfFreeze(freeze: Freeze, now: number): Coverage {
  if (freeze.removed_at !== null) return { covered: false };
  const check = checkFreezeWindow(windowSpecOf(freeze));
  if (!check.ok) throw new Error(`stored freeze ${freeze.freeze_id} no longer checks: ${check.reason}: ${check.message}`);
  return freezeCoverage(check.window, now);
}
