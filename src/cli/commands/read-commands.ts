/**
 * Read-only views of the fleet: `ferry status`, `versions`, `instances`, `audit` and
 * `hosts`. Human-readable tables by default, the API's body with --json.
 */
import type { Command } from 'commander';
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine, writeNote, writeTable } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, usageFailure } from '../exit-codes.js';
import { integerAtLeast, isoTimestamp } from '../option-values.js';
import type { InstanceSnapshot, OperationRef, OperationSummary } from '../operation-snapshot.js';
import { progressDisplayFor } from '../progress-display.js';
import { analysisLines, hasAnalysis, type AnalysisView } from '../analysis-lines.js';
import { requireSucceeded, waitForOperation } from '../wait-for-operation.js';

/** One operation as `GET /api/v1/deployments/{id}` (or `/rollbacks/{id}`) shows it. */
interface OperationView extends OperationSummary {
  reason: { code?: string; message?: string } | null;
  progress?: { total: number; completed: number; failed: number; pending: number };
  instances: Array<InstanceSnapshot & { updated_at?: string }>;
  updated_at?: string;
}

interface AuditFlags extends ClientFlags {
  service?: string;
  type?: string;
  deployId?: string;
  correlationId?: string;
  traceId?: string;
  since?: string;
  limit?: number;
  follow?: boolean;
}

export function registerReadCommands(program: Command): void {
  addClientOptions(
    program
      .command('status')
      .description('show a deployment, restart or rollback')
      .argument('<id>', 'a deploy_id (dep-…) or rollback_id (rb-…)')
      .option('--watch', 'follow it live like --wait; exit 1 unless it succeeds, 130 on Ctrl-C (it goes on)'),
  ).action(async (id: string, flags: ClientFlags & { watch?: boolean }) => {
    const { client, json } = clientContext(flags);
    const view = await fetchOperation(client, id);
    if (flags.watch === true) return watchOperation(client, { kind: view.rollback_id !== undefined ? 'rollback' : 'deployment', id }, json);
    const analysis = view.rollback_id === undefined ? await fetchAnalysis(client, id) : undefined;
    if (json) return writeJson(analysis === undefined ? view : { ...view, analysis });
    printOperation(id, view);
    if (analysis !== undefined) {
      writeLine();
      for (const line of analysisLines(analysis)) writeLine(line);
    }
  });

  addClientOptions(program.command('versions').description('which version each instance of a service runs, and which drifted').argument('<service>')).action(
    async (service: string, flags: ClientFlags) => {
      const { client, json } = clientContext(flags);
      const view = await client.get<VersionsView>(`/api/v1/services/${encodeURIComponent(service)}/versions`);
      if (json) return writeJson(view);
      printVersions(view);
    },
  );

  addClientOptions(program.command('instances').description("a service's instances and their status").argument('<service>')).action(
    async (service: string, flags: ClientFlags) => {
      const { client, json } = clientContext(flags);
      const view = await client.get<{
        instances: Array<{ instance_id: string; host: string; address: string; port: number; status: string; version: string | null; pinned_version: string | null; traffic?: TrafficView | null }>;
      }>(`/api/v1/services/${encodeURIComponent(service)}/instances`);
      if (json) return writeJson(view);
      const rows = view.instances.map((i) => [i.instance_id, i.host, i.address, i.port, i.status, i.version, i.pinned_version]);
      // A service behind a load balancer also shows what Ferry has it do with each instance.
      if (!view.instances.some((i) => i.traffic)) return writeTable(['INSTANCE', 'HOST', 'ADDRESS', 'PORT', 'STATUS', 'VERSION', 'PINNED'], rows);
      writeTable(
        ['INSTANCE', 'HOST', 'ADDRESS', 'PORT', 'STATUS', 'VERSION', 'PINNED', 'TRAFFIC'],
        view.instances.map((i, n) => [...rows[n]!, trafficNote(i.traffic)]),
      );
    },
  );

  addClientOptions(
    program
      .command('audit')
      .description('the audit log, oldest first')
      .option('--service <name>', 'only this service')
      .option('--type <type>', 'only this event type, e.g. deploy_started')
      .option('--deploy-id <id>', 'only events of this deployment or rollback')
      .option('--correlation-id <id>', 'only events caused by requests with this correlation id')
      .option('--trace-id <id>', 'only events of this trace (32 hex digits, as in traceparent)')
      .option('--since <iso>', 'only events at or after this time', isoTimestamp)
      .option('--limit <n>', 'at most this many events', integerAtLeast(1))
      .option('--follow', 'keep printing events as they happen (with --since: the stored ones first); reconnects on its own; exit 130 on Ctrl-C'),
  ).action(async (flags: AuditFlags) => {
    const { client, json } = clientContext(flags);
    if (flags.follow === true) return followAuditCommand(client, flags, json);
    const view = await client.get<{
      events: Array<{ at: string; type: string; service: string | null; version: string | null; instance_id: string | null; deploy_id: string | null; actor: string | null }>;
    }>('/api/v1/audit', { service: flags.service, type: flags.type, deploy_id: flags.deployId, correlation_id: flags.correlationId, trace_id: flags.traceId, since: flags.since, limit: flags.limit });
    if (json) return writeJson(view);
    writeTable(
      ['AT', 'TYPE', 'SERVICE', 'VERSION', 'INSTANCE', 'DEPLOY', 'ACTOR'],
      view.events.map((e) => [e.at, e.type, e.service, e.version, e.instance_id, e.deploy_id, e.actor]),
    );
  });

  addClientOptions(program.command('hosts').description('agents and their last heartbeat')).action(async (flags: ClientFlags) => {
    const { client, json } = clientContext(flags);
    const view = await client.get<{ hosts: Array<{ host: string; address: string; last_heartbeat_at?: string; last_heartbeat?: string; instances?: unknown[] }> }>('/api/v1/hosts');
    if (json) return writeJson(view);
    writeTable(
      ['HOST', 'ADDRESS', 'LAST HEARTBEAT', 'INSTANCES'],
      view.hosts.map((h) => [h.host, h.address, h.last_heartbeat_at ?? h.last_heartbeat, h.instances?.length]),
    );
  });
}

/** `ferry audit --follow`: one line (or one JSON object) per event as it arrives, until Ctrl-C. */
async function followAuditCommand(client: ApiClient, flags: AuditFlags, json: boolean): Promise<void> {
  if (flags.limit !== undefined) throw usageFailure('--follow prints events until Ctrl-C; it cannot be combined with --limit');
  if (flags.correlationId !== undefined || flags.traceId !== undefined) throw usageFailure('--follow streams by --service, --type and --deploy-id; ask for a correlation or trace id without --follow');
  const [{ followAudit }, { interruptOnSigint, EXIT_INTERRUPTED }] = await Promise.all([import('../audit-follow.js'), import('../interrupt-signal.js')]);
  const interrupt = interruptOnSigint();
  try {
    await followAudit({
      client,
      filter: { service: flags.service, type: flags.type, deploy_id: flags.deployId, ...(flags.since !== undefined ? { since: flags.since } : {}) },
      print: (event) => writeLine(json ? JSON.stringify(event) : auditLine(event)),
      note: writeNote,
      signal: interrupt.signal,
    });
  } finally {
    interrupt.dispose();
  }
  throw new CliFailure('stopped following the audit log', EXIT_INTERRUPTED);
}

/** One event on one line, the columns of `ferry audit`'s table, `-` for nothing. */
function auditLine(event: Record<string, unknown>): string {
  return ['at', 'type', 'service', 'version', 'instance_id', 'deploy_id', 'actor'].map((field) => (event[field] === null || event[field] === undefined ? '-' : String(event[field]))).join('  ');
}

interface VersionsView {
  desired_version: string | null;
  instances: Array<{
    instance_id: string;
    version: string | null;
    version_source?: { type: string; detail: string } | null;
    status: string;
    pinned_version?: string | null;
    drifted?: boolean;
    drift_reason?: { code: string; message: string } | null;
    isolation?: { status: string; policy: string; reason: { message: string }; since: string } | null;
    last_updated?: string;
  }>;
  version_summary: Record<string, number>;
  drift_count: number;
}

/** The distribution, the desired version, then each instance; drifted and isolated ones say why. */
function printVersions(view: VersionsView): void {
  writeLine(`desired version: ${view.desired_version ?? '-'}   drifted: ${view.drift_count}`);
  writeLine(`running: ${Object.entries(view.version_summary).map(([version, count]) => `${version} ×${count}`).join(', ') || 'nothing'}`);
  writeLine();
  writeTable(
    ['INSTANCE', 'VERSION', 'PROVEN BY', 'STATUS', 'PINNED', 'UPDATED', 'DRIFT'],
    view.instances.map((i) => [i.instance_id, i.version, i.version_source?.type, i.status, i.pinned_version, i.last_updated, driftNote(i)]),
  );
  // How each version was proven, one line per instance: what a person would check by hand.
  const proofs = view.instances.filter((i) => i.version_source);
  if (proofs.length > 0) writeLine();
  for (const i of proofs) writeLine(`${i.instance_id}: ${i.version_source!.type}: ${i.version_source!.detail}`);
}

interface TrafficView {
  state: string;
  weight: number;
  applied: boolean;
  error: string | null;
}

/** "ready 100", "drain", "drain (not yet applied)", "ready 100 (failed: …)". */
function trafficNote(traffic: TrafficView | null | undefined): string {
  if (traffic === null || traffic === undefined) return '';
  const what = traffic.state === 'ready' ? `ready ${traffic.weight}` : traffic.state;
  if (traffic.error !== null) return `${what} (failed: ${traffic.error})`;
  return traffic.applied ? what : `${what} (not yet applied)`;
}

function driftNote(i: VersionsView['instances'][number]): string {
  const notes: string[] = [];
  if (i.drifted && i.drift_reason) notes.push(`drifted: ${i.drift_reason.message}`);
  if (i.isolation) notes.push(`${i.isolation.status} since ${i.isolation.since} (${i.isolation.policy}): ${i.isolation.reason.message}`);
  return notes.join('; ');
}

/**
 * Deployments and restarts live under /deployments, rollbacks under /rollbacks; an id
 * the first does not know is tried as a rollback before reporting it unknown.
 */
async function fetchOperation(client: ApiClient, id: string): Promise<OperationView> {
  const path = encodeURIComponent(id);
  try {
    return await client.get<OperationView>(`/api/v1/deployments/${path}`);
  } catch (error) {
    if (!(error instanceof CliFailure) || error.status !== 404) throw error;
    try {
      return await client.get<OperationView>(`/api/v1/rollbacks/${path}`);
    } catch (second) {
      if (second instanceof CliFailure && second.status === 404) throw error;
      throw second;
    }
  }
}

/** A deployment's analysis when its service has one (or it has measurements); undefined otherwise, or from a server without the route. */
async function fetchAnalysis(client: ApiClient, id: string): Promise<AnalysisView | undefined> {
  try {
    const view = await client.get<AnalysisView>(`/api/v1/deployments/${encodeURIComponent(id)}/analysis`);
    return hasAnalysis(view) ? view : undefined;
  } catch (error) {
    if (error instanceof CliFailure && error.status === 404) return undefined;
    throw error;
  }
}

/** `ferry status ID --watch`: attach to an operation with the lines and exit codes of `--wait`. */
async function watchOperation(client: ApiClient, op: OperationRef, json: boolean): Promise<void> {
  const { snapshot } = await waitForOperation(client, op, progressDisplayFor(json));
  if (json) writeJson(snapshot);
  requireSucceeded(snapshot);
}

function printOperation(id: string, view: OperationView): void {
  const kind = view.rollback_id !== undefined ? 'rollback' : view.kind === 'restart' ? 'restart' : 'deployment';
  writeLine(`${kind} ${id}  ${view.service} ${view.version ?? view.target_version ?? ''}  ${view.status}`.replace(/ {3,}/g, '  '));
  writeLine(`  started ${view.started_at ?? '-'}   updated ${view.updated_at ?? '-'}${view.completed_at ? `   completed ${view.completed_at}` : ''}`);
  if (view.progress !== undefined) {
    const p = view.progress;
    writeLine(`  progress ${p.completed}/${p.total} completed, ${p.failed} failed, ${p.pending} pending`);
  }
  if (view.reason) writeLine(`  reason ${view.reason.message ?? view.reason.code ?? ''}${view.reason.code && view.reason.message ? ` (${view.reason.code})` : ''}`);
  writeLine();
  writeTable(['INSTANCE', 'STATUS', 'VERSION', 'UPDATED'], view.instances.map((i) => [i.instance_id, i.status, i.version, i.updated_at]));
}
