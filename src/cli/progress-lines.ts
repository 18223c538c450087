/**
 * What `--wait` prints: given the previous and current snapshot of a deployment or
 * rollback, the lines that describe what changed. Pure, so the output is table-tested;
 * the polling loop (wait-for-operation.ts) only fetches and prints.
 *
 * Example, rolling a two-instance service from 1.0 to 2.0:
 *   deployment dep-1  running
 *     hello-a-7001  pending  1.0
 *     hello-b-7002  pending  1.0
 *     hello-a-7001  pending  →  deploying  1.0
 *     hello-a-7001  deploying  →  succeeded  2.0
 */

export interface InstanceSnapshot {
  instance_id: string;
  status: string;
  version: string | null;
}

export interface OperationSnapshot {
  status: string;
  reason?: { code?: string; message?: string } | null;
  instances?: InstanceSnapshot[];
}

/** Which operation is being watched; a restart is a deployment (CONTRACT §2). */
export interface OperationRef {
  kind: 'deployment' | 'rollback';
  id: string;
}

export function progressLines(op: OperationRef, previous: OperationSnapshot | null, current: OperationSnapshot): string[] {
  const label = `${op.kind} ${op.id}`;
  const lines: string[] = [];
  if (previous === null) lines.push(`${label}  ${current.status}`);
  else if (previous.status !== current.status) lines.push(`${label}  ${previous.status}  →  ${current.status}`);

  const before = new Map((previous?.instances ?? []).map((i) => [i.instance_id, i]));
  const instances = current.instances ?? [];
  const width = Math.max(0, ...instances.map((i) => i.instance_id.length));
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

  const reason = reasonText(current);
  if (reason !== null && reason !== reasonText(previous)) lines.push(`  reason: ${reason}`);
  if (current.status === 'paused' && previous?.status !== 'paused') {
    lines.push(`  paused: "ferry promote ${op.id}" continues a canary step, "ferry resume ${op.id}" a deployment paused by hand`);
  }
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

function reasonText(snapshot: OperationSnapshot | null): string | null {
  const reason = snapshot?.reason;
  if (reason === null || reason === undefined) return null;
  return reason.message ?? reason.code ?? null;
}
