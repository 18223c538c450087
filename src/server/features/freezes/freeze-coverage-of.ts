/**
 * Coverage of a stored window, checked again from its declaration: what the presenter,
 * the gate and preflight share. A stored window passed the same check when it was
 * created; one that no longer does (its time zone gone from the runtime's data after a
 * Node upgrade) cannot say when it covers. Throwing would turn every deployment and every
 * `GET /freezes` into a 500; ignoring it would let changes through a freeze someone
 * declared. So it fails closed: it covers, for as long as its stored bounds say, and its
 * coverage carries the error so the refusal and the listing tell the operator to remove
 * or fix it. The error is logged once per window per process, not on every request.
 */
import { freezeCoverage, type Coverage } from '../../../core/freezes/freeze-coverage.js';
import { windowSpecOf, type Freeze } from '../../../core/freezes/freeze.js';
import { checkFreezeWindow } from '../../../core/freezes/freeze-window.js';

/** Coverage of a stored window; `error` says why a window that no longer checks was taken as covering. */
export type StoredCoverage = Coverage & { error?: string };

/** What a broken window is reported to: the server's logger (pino's `warn(object, message)`). */
export interface BrokenWindowLog {
  warn(details: Record<string, unknown>, message: string): void;
}

/** Windows already logged as broken, by id and error, so a broken window logs once, not per request. */
const reported = new Set<string>();

export function coverageOfFreeze(freeze: Freeze, now: number, log?: BrokenWindowLog): StoredCoverage {
  if (freeze.removed_at !== null) return { covered: false };
  const check = checkFreezeWindow(windowSpecOf(freeze));
  if (check.ok) return freezeCoverage(check.window, now);
  const error = `${check.reason}: ${check.message}`;
  reportOnce(freeze, error, log);
  // The stored bounds are instants and need no time zone: outside them the window cannot cover.
  // Inside them (or if they are not numbers at all) it covers until its stored end.
  const outside = now < freeze.starts_at || now >= freeze.ends_at;
  if (outside) return { covered: false, error };
  return { covered: true, ends_at: freeze.ends_at, error };
}

/** The sentence a refusal and the listing give for a window that cannot be evaluated. */
export function brokenWindowMessage(freezeId: string, error: string): string {
  return `window ${freezeId} cannot be evaluated (${error}): remove it or fix it`;
}

function reportOnce(freeze: Freeze, error: string, log: BrokenWindowLog | undefined): void {
  if (log === undefined) return;
  const key = `${freeze.freeze_id}\u0000${error}`;
  if (reported.has(key)) return;
  reported.add(key);
  log.warn({ freeze_id: freeze.freeze_id, service: freeze.service, error }, `${brokenWindowMessage(freeze.freeze_id, error)}; it is taken as covering until ${Number.isFinite(freeze.ends_at) ? new Date(freeze.ends_at).toISOString() : 'it is removed'}`);
}
