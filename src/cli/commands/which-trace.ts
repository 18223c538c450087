/**
 * `ferry which --trace TRACE_ID`: which version a trace's operation put in place, on which
 * instance and host. The audit events that carry the trace id name the operation (a
 * deployment, restart or rollback); its targets say what each instance ended on, and the
 * service's instance list says where each instance lives.
 */
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine, writeTable } from '../cli-output.js';
import { CliFailure, EXIT_USAGE } from '../exit-codes.js';

interface TraceEvent {
  type: string;
  service: string | null;
  deploy_id: string | null;
  details?: { kind?: string };
}

interface TargetView {
  instance_id: string;
  status: string;
  from_version: string | null;
  to_version: string | null;
}

interface OperationView {
  service: string;
  status: string;
  kind?: string;
  instances: TargetView[];
}

/** One instance as the trace's operation left it. */
export interface PlacedInstance {
  instance_id: string;
  host: string | null;
  /** What the operation put there; null when it put nothing (the instance failed and had no version to return to). */
  version: string | null;
  outcome: string;
}

export interface TraceAnswer {
  trace_id: string;
  operations: Array<{ id: string; kind: string; service: string; status: string; instances: PlacedInstance[] }>;
}

const TRACE_ID = /^[0-9a-f]{32}$/;

/**
 * The version an instance runs because of its target in the operation: the target version
 * once it succeeded, the version it came from when it was reverted or never changed.
 *
 *   succeeded v1 → v2        → v2
 *   reverted  v1 → v2        → v1
 *   failed    (unchanged) v1 → v2 → v1
 */
export function placedVersion(t: TargetView): string | null {
  return t.status === 'succeeded' ? t.to_version : t.from_version;
}

/** Operation ids in the order the trace's events first name them. */
export function operationIdsOf(events: readonly TraceEvent[]): string[] {
  return [...new Set(events.flatMap((e) => (e.deploy_id === null ? [] : [e.deploy_id])))];
}

export async function answerTrace(client: ApiClient, given: string): Promise<TraceAnswer> {
  const traceId = given.trim().toLowerCase();
  if (!TRACE_ID.test(traceId)) throw new CliFailure(`invalid trace id ${JSON.stringify(given.slice(0, 80))}: expected 32 hexadecimal digits`, EXIT_USAGE);
  const { events } = await client.get<{ events: TraceEvent[] }>('/api/v1/audit', { trace_id: traceId, limit: 1000 });
  const ids = operationIdsOf(events);
  if (ids.length === 0) throw new CliFailure(`no deployment, restart or rollback recorded trace ${traceId}`, EXIT_USAGE);
  const operations = [];
  for (const id of ids) {
    const first = events.find((e) => e.deploy_id === id);
    const kind = first?.details?.kind ?? (id.startsWith('rb-') ? 'rollback' : 'deploy');
    const view = await client.get<OperationView>(kind === 'rollback' ? `/api/v1/rollbacks/${encodeURIComponent(id)}` : `/api/v1/deployments/${encodeURIComponent(id)}`);
    const hosts = await hostsOf(client, view.service);
    const instances = view.instances.map((t) => ({ instance_id: t.instance_id, host: hosts.get(t.instance_id) ?? null, version: placedVersion(t), outcome: t.status }));
    operations.push({ id, kind, service: view.service, status: view.status, instances });
  }
  return { trace_id: traceId, operations };
}

async function hostsOf(client: ApiClient, service: string): Promise<Map<string, string>> {
  const { instances } = await client.get<{ instances: Array<{ instance_id: string; host: string }> }>(`/api/v1/services/${encodeURIComponent(service)}/instances`);
  return new Map(instances.map((i) => [i.instance_id, i.host]));
}

/** Prints the answer: one line per operation, then its instances as a table. */
export async function whichTrace(client: ApiClient, traceId: string, json: boolean): Promise<void> {
  const answer = await answerTrace(client, traceId);
  if (json) return writeJson(answer);
  for (const op of answer.operations) {
    writeLine(`trace ${answer.trace_id}: ${op.kind} ${op.id} of ${op.service} (${op.status})`);
    writeTable(['INSTANCE', 'HOST', 'VERSION', 'OUTCOME'], op.instances.map((i) => [i.instance_id, i.host, i.version, i.outcome]));
  }
}
