/**
 * What `--wait` prints: given the previous and current snapshot of a deployment or
 * rollback, the plain lines that describe what changed: the operation's status, a step
 * starting, a pause beginning or ending, a batch starting, an instance changing status.
 * Pure, so the output is table-tested; the polling loop (wait-for-operation.ts) only
 * fetches and prints. Each line stands alone, so a log or a pipe reads as well as a TTY.
 *
 * Example, a canary of one instance (of two) from 1.0 to 2.0, then promoted:
 *   deployment dep-1  running
 *     step 1/1 started
 *     hello-a-7001  pending  1.0
 *     hello-b-7002  pending  1.0
 *     batch started: hello-a-7001
 *     hello-a-7001  pending  →  deploying  1.0
 *     hello-a-7001  deploying  →  succeeded  2.0
 *   deployment dep-1  running  →  paused
 *     step 1/1 paused until promoted
 *     paused: run "ferry promote dep-1" to continue
 *   deployment dep-1  paused  →  running
 *     step 1/1 pause ended
 *     batch started: hello-b-7002
 */
import type { InstanceSnapshot, OperationRef, OperationSnapshot, RolloutPause } from './operation-snapshot.js';
import { continueHint, pauseText, stepText } from './rollout-phrases.js';

/** An instance that leaves `pending` for one of these has been started by a batch (`skipped` was never started). */
const NOT_STARTED = new Set(['pending', 'skipped']);

export function progressLines(op: OperationRef, previous: OperationSnapshot | null, current: OperationSnapshot): string[] {
  const label = `${op.kind} ${op.id}`;
  const lines: string[] = [];
  if (previous === null) lines.push(`${label}  ${current.status}`);
  else if (previous.status !== current.status) lines.push(`${label}  ${previous.status}  →  ${current.status}`);

  const pauseBefore = previous?.rollout?.pause ?? null;
  const pauseNow = current.rollout?.pause ?? null;
  if (pauseBefore !== null && pauseNow === null) lines.push(`  ${prefixed(stepText(previous?.rollout), 'pause ended')}`);

  const step = stepText(current.rollout);
  if (step !== null && step !== stepText(previous?.rollout)) lines.push(`  ${step} started`);

  const started = startedInstances(previous, current);
  if (started.length > 0) lines.push(`  batch started: ${started.join(', ')}`);

  lines.push(...instanceLines(previous, current));

  if (pauseNow !== null && !samePause(pauseBefore, pauseNow)) {
    lines.push(`  ${prefixed(step, pauseText(pauseNow))}`, `  ${continueHint(op.id, pauseNow)}`);
  } else if (pauseNow === null && current.status === 'paused' && previous?.status !== 'paused') {
    // A server that sends no rollout still says `paused`; name both ways to continue.
    lines.push(`  ${continueHint(op.id, null)}`);
  }

  const reason = reasonText(current);
  if (reason !== null && reason !== reasonText(previous)) lines.push(`  reason: ${reason}`);
  return lines;
}

/**
 * The last line of a wait:
 *   deployment dep-1 succeeded after 12.3 s
 *   deployment dep-1 rolled_back after 40.0 s: instance hello-a-7001 never became healthy
 */
export function finalLine(op: OperationRef, snapshot: OperationSnapshot, elapsedMs: number): string {
  const label = `${op.kind} ${op.id}`;
  const reason = snapshot.status === 'succeeded' ? null : reasonText(snapshot);
  return `${label} ${snapshot.status} after ${(elapsedMs / 1000).toFixed(1)} s${reason === null ? '' : `: ${reason}`}`;
}

/** One line per new or changed instance, ids padded to a common width so columns line up. */
function instanceLines(previous: OperationSnapshot | null, current: OperationSnapshot): string[] {
  const before = new Map((previous?.instances ?? []).map((i) => [i.instance_id, i]));
  const instances = current.instances ?? [];
  const width = Math.max(0, ...instances.map((i) => i.instance_id.length));
  const lines: string[] = [];
  for (const instance of instances) {
    const id = instance.instance_id.padEnd(width);
    const version = instance.version ?? '-';
    const old = before.get(instance.instance_id);
    if (old === undefined) lines.push(`  ${id}  ${instance.status}  ${version}`);
    else if (old.status !== instance.status || old.version !== instance.version) {
      const status = old.status === instance.status ? instance.status : `${old.status}  →  ${instance.status}`;
      lines.push(`  ${id}  ${status}  ${version}`);
    }
  }
  return lines;
}

/** Instances that were pending in the previous snapshot and have since been started. */
function startedInstances(previous: OperationSnapshot | null, current: OperationSnapshot): string[] {
  if (previous === null) return [];
  const wasPending = new Set((previous.instances ?? []).filter((i) => i.status === 'pending').map((i) => i.instance_id));
  return (current.instances ?? []).filter((i: InstanceSnapshot) => wasPending.has(i.instance_id) && !NOT_STARTED.has(i.status)).map((i) => i.instance_id);
}

function samePause(a: RolloutPause | null, b: RolloutPause | null): boolean {
  return a?.kind === b?.kind && (a?.until ?? null) === (b?.until ?? null);
}

function prefixed(step: string | null, text: string): string {
  return step === null ? text : `${step} ${text}`;
}

function reasonText(snapshot: OperationSnapshot | null): string | null {
  const reason = snapshot?.reason;
  if (reason === null || reason === undefined) return null;
  return reason.message ?? reason.code ?? null;
}
