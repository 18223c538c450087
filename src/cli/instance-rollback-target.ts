/**
 * Where `ferry rollback S --instance ID` goes without `--to`, decided before the CLI asks
 * the server to roll anything back. The last known-good version for one instance: the
 * service's desired version when the instance runs another one (a canary, a pin), else
 * the previous desired version. A rollback never moves an instance forward by default: a
 * target newer than what the instance runs is refused, and so is one that cannot be
 * compared (a version that is not semver, an instance that answers no version), unless
 * `--to` names it.
 *   runs 1.1.0, desired 1.0.0                 → 1.0.0
 *   runs 1.0.0, desired 1.0.0, previous 0.9.0 → 0.9.0
 *   runs 0.8.0, desired 1.0.0                 → refused: 1.0.0 is newer than 0.8.0
 */
import semver from 'semver';

export type InstanceTarget = { ok: true; target: string; why: string } | { ok: false; message: string };

export function instanceRollbackTarget(input: { instanceId: string; running: string | null; desired: string | null; previous: string | null }): InstanceTarget {
  const { instanceId, running, desired, previous } = input;
  const chosen =
    desired !== null && running !== desired
      ? { target: desired, why: `the desired version; ${instanceId} runs ${running ?? 'no version'}` }
      : previous !== null
        ? { target: previous, why: 'the previous desired version' }
        : null;
  if (chosen === null) return { ok: false, message: `no version to roll ${instanceId} back to; name one with --to VERSION` };
  if (running === null) return { ok: false, message: `${instanceId} answers no version, so ${chosen.target} cannot be shown not to be newer; name it with --to ${chosen.target}` };
  const [a, b] = [semver.valid(chosen.target), semver.valid(running)];
  if (a === null || b === null) {
    return { ok: false, message: `cannot compare ${chosen.target} with ${running} (not semver), so it may be newer than what ${instanceId} runs; name it with --to ${chosen.target}` };
  }
  if (semver.gt(a, b)) return { ok: false, message: `${chosen.target} is newer than ${running}, which ${instanceId} runs: a rollback does not move forward unless --to ${chosen.target} names it` };
  return { ok: true, ...chosen };
}
