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
/** Operation statuses that mean it (re)starts work: printed before the instance lines they cause. */
const STARTING = new Set(['pending', 'running']);
/** Target statuses in which an instance runs the operation's target version. */
const ON_TARGET = new Set(['healthy', 'verifying', 'succeeded']);

export function progressLines(op: OperationRef, previous: OperationSnapshot | null, current: OperationSnapshot): string[] {
  const label = `${op.kind} ${op.id}`;
  const statusLine = previous === null ? `${label}  ${current.status}` : previous.status !== current.status ? `${label}  ${previous.status}  →  ${current.status}` : null;
  // Causal order: an operation that (re)starts does so before its instances move; one
  // that pauses or ends does so because of them, so its line follows theirs.
  const statusFirst = previous === null || STARTING.has(current.status);
  const lines: string[] = [];
  if (statusLine !== null && statusFirst) lines.push(statusLine);

  const pauseBefore = previous?.rollout?.pause ?? null;
  const pauseNow = current.rollout?.pause ?? null;
  if (pauseBefore !== null && pauseNow === null) lines.push(`  ${prefixed(stepText(previous?.rollout), 'pause ended')}`);

  // The instances of the batch that was running finish before the next batch starts.
  const started = startedInstances(previous, current);
  const changed = instanceLines(previous, current);
  const wasRunning = new Set((previous?.instances ?? []).filter((i) => !NOT_STARTED.has(i.status)).map((i) => i.instance_id));
  lines.push(...changed.filter((c) => wasRunning.has(c.id)).map((c) => c.line));

  const step = stepText(current.rollout);
  if (step !== null && step !== stepText(previous?.rollout)) lines.push(`  ${step} started`);
  if (started.length > 0) lines.push(`  batch started: ${started.join(', ')}`);
  lines.push(...changed.filter((c) => !wasRunning.has(c.id)).map((c) => c.line));
  if (statusLine !== null && !statusFirst) lines.push(statusLine);

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
function instanceLines(previous: OperationSnapshot | null, current: OperationSnapshot): Array<{ id: string; line: string }> {
  const before = new Map((previous?.instances ?? []).map((i) => [i.instance_id, i]));
  const instances = current.instances ?? [];
  const width = Math.max(0, ...instances.map((i) => i.instance_id.length));
  const lines: Array<{ id: string; line: string }> = [];
  for (const instance of instances) {
    const id = instance.instance_id.padEnd(width);
    const version = versionText(instance);
    const old = before.get(instance.instance_id);
    if (old === undefined) lines.push({ id: instance.instance_id, line: `  ${id}  ${instance.status}  ${version}` });
    else if (old.status !== instance.status || versionText(old) !== version) {
      const status = old.status === instance.status ? instance.status : `${old.status}  →  ${instance.status}`;
      lines.push({ id: instance.instance_id, line: `  ${id}  ${status}  ${version}` });
    }
  }
  return lines;
}

/**
 * The version an instance runs: what its probe answered, else (between a stop and the
 * next probe, or before the first) the version the operation says it is on: the target
 * version once it got there, the version it came from before and after a return.
 *   {version: '2.0'}                                                  -> 2.0
 *   {version: null, status: 'deploying', from: '1.0', to: '2.0'}      -> 1.0
 *   {version: null, status: 'succeeded', from: '1.0', to: '2.0'}      -> 2.0
 *   {version: null, from: null, to: null}                             -> -
 */
export function versionText(instance: InstanceSnapshot): string {
  if (instance.version !== null && instance.version !== undefined) return instance.version;
  const onTarget = ON_TARGET.has(instance.status);
  const known = onTarget ? (instance.to_version ?? instance.from_version) : (instance.from_version ?? instance.to_version);
  return known ?? '-';
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
