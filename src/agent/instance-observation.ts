/**
 * What an instance worker remembers of its last periodic probe, and the rules that read
 * it: which part of it is worth a heartbeat, and when a `command` check's last result
 * stands for running the command again. Pure, kept apart from the worker's goal handling.
 */
import type { ObservedStatus, Reason, VersionSource } from '../core/types.js';
import type { VersionCheck } from '../core/version-check.js';

/** What the last probe saw of the instance's process (pid null: none of ours ran, a `process` check looked at the port anyway). */
export interface Observed {
  pid: number | null;
  status: ObservedStatus;
  version: string | null;
  source: VersionSource | null;
  refusal: Reason | null;
  /** The check that proved (or failed to prove) the version, as `versionCheckKey` spells it. */
  check: string;
  /** When that check ran, on the agent's clock. */
  checkedAt: number;
}

/**
 * How long a failed `command` check's result stands for the same process and check before
 * the command runs again: a failing command mostly keeps failing, and each run may cost its
 * whole timeout, so it is not re-run on every periodic probe.
 */
export const COMMAND_FAILURE_REUSE_MS = 30_000;

/**
 * The last `command` result, when it may stand for running the command again: same
 * process and same check (an operator may change the argv while the process runs). A
 * success stands while that process runs, since the release it runs from stays what it
 * was; a failure for COMMAND_FAILURE_REUSE_MS.
 */
export function reusableCommandResult(last: Observed | null, check: VersionCheck, key: string, pid: number, now: number): Observed | null {
  if (check.type !== 'command' || last === null || last.pid !== pid || last.check !== key) return null;
  if (last.source?.type === 'command') return last;
  return last.version === null && now - last.checkedAt < COMMAND_FAILURE_REUSE_MS ? last : null;
}

/** The part of an observation a report shows: a change in it is worth a heartbeat, a new `checkedAt` is not. */
export function reported(o: Observed): string {
  return JSON.stringify([o.pid, o.status, o.version, o.source, o.refusal]);
}

/**
 * A check as compared for reuse: every field, keys in a fixed order, so another argv
 * (`["sh","-c","a b"]` and `["sh","-c","a","b"]` read alike in `describeVersionCheck`) or
 * another timeout counts as another check.
 */
export function versionCheckKey(check: VersionCheck): string {
  return JSON.stringify(check, Object.keys(check).sort());
}
