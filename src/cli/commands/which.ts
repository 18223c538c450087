/**
 * `ferry which`: the answer to "which version served this?" from what the control plane
 * stores, asked one way at a time:
 *
 * - `--session ID`: the session's record (GET /api/v1/sessions/{id}). The version is the
 *   one it was placed on (`runtime_version`); an instance with an open session is drained,
 *   not replaced, so that version served the session for its whole life. An ended or
 *   expired session keeps its record (and so its answer) for FERRY_SESSION_RETENTION_S
 *   after it expires; after that the server no longer knows it (exit 2).
 * - `--instance ID --at ISO`: the instance's version history
 *   (GET /api/v1/instances/{id}/history?at=), which has exactly one version per moment
 *   from the first report on. Before the instance first reported a version: exit 2.
 * - `--trace TRACE_ID`: the audit events stored with that trace id name the operation; its
 *   targets say what each instance ended on (which-trace.ts, which prints one row per instance).
 */
import type { Command } from 'commander';
import { parseIsoTime } from '../../core/iso-time.js';
import type { ApiClient } from '../api-client.js';
import { writeJson, writeLine } from '../cli-output.js';
import { addClientOptions, clientContext, type ClientFlags } from '../client-options.js';
import { CliFailure, usageFailure } from '../exit-codes.js';
import { whichTrace } from './which-trace.js';

interface WhichFlags extends ClientFlags {
  session?: string;
  instance?: string;
  at?: string;
  trace?: string;
}

/** What every answer says, whichever way it was asked; `--json` prints it whole. */
export interface WhichAnswer {
  by: 'session' | 'instance';
  version: string;
  service: string;
  instance_id: string;
  host: string;
  [more: string]: unknown;
}

interface SessionView {
  session_id: string;
  service: string;
  instance_id: string;
  host: string;
  address: string;
  port: number;
  runtime_version: string;
  created_at: string;
  expires_at: string;
  ended_at: string | null;
  instance_status: string;
}

interface VersionAtView {
  instance_id: string;
  service: string;
  host?: string;
  at: string;
  version: string;
  interval: { version: string; from: string; to: string | null };
}

export function registerWhichCommand(program: Command): void {
  addClientOptions(
    program
      .command('which')
      .description('which version (and instance, host) served a session, or ran on an instance at a time')
      .option('--session <id>', 'a session id (ses-…)')
      .option('--instance <id>', 'an instance id; needs --at')
      .option('--at <iso>', 'with --instance: the moment asked about, e.g. 2026-01-31T12:00:00Z')
      .option('--trace <trace_id>', 'a trace id (32 hex digits)'),
  ).action(async (flags: WhichFlags) => {
    const { client, json } = clientContext(flags);
    const way = askedWay(flags);
    if (way === 'trace') return whichTrace(client, flags.trace ?? '', json);
    const answer = await answerWhich(client, flags);
    if (json) return writeJson(answer);
    writeLine(describeAnswer(answer));
  });
}

function askedWay(flags: WhichFlags): 'session' | 'instance' | 'trace' {
  const asked = (['session', 'instance', 'trace'] as const).filter((way) => flags[way] !== undefined);
  if (asked.length !== 1) throw usageFailure('ferry which needs exactly one of --session ID, --instance ID --at ISO, --trace TRACE_ID');
  if (flags.at !== undefined && asked[0] !== 'instance') throw usageFailure('--at goes with --instance only');
  return asked[0]!;
}

async function answerWhich(client: ApiClient, flags: WhichFlags): Promise<WhichAnswer> {
  if (flags.session !== undefined) return whichSession(client, flags.session);
  return whichInstanceAt(client, flags.instance ?? '', flags.at);
}

async function whichSession(client: ApiClient, sessionId: string): Promise<WhichAnswer> {
  try {
    const s = await client.get<SessionView>(`/api/v1/sessions/${encodeURIComponent(sessionId)}`);
    const state = s.ended_at !== null ? 'ended' : Date.parse(s.expires_at) <= Date.now() ? 'expired' : 'open';
    return { by: 'session', version: s.runtime_version, service: s.service, instance_id: s.instance_id, host: s.host, session_id: s.session_id, state, address: s.address, port: s.port, created_at: s.created_at, ended_at: s.ended_at, expires_at: s.expires_at, instance_status: s.instance_status };
  } catch (error) {
    if (error instanceof CliFailure && error.code === 'session_not_found') {
      throw new CliFailure(`${error.message}: it never existed, or it expired longer ago than the server keeps session records (FERRY_SESSION_RETENTION_S)`, error.exitCode, { code: error.code, status: 404 });
    }
    throw error;
  }
}

async function whichInstanceAt(client: ApiClient, instanceId: string, at: string | undefined): Promise<WhichAnswer> {
  if (at === undefined) throw usageFailure('--instance needs --at ISO, the moment asked about');
  const ms = parseIsoTime(at);
  if (ms === null) throw usageFailure(`--at: expected an ISO-8601 time with a zone, e.g. 2026-01-31T12:00:00Z, got "${at}"`);
  const v = await client.get<VersionAtView>(`/api/v1/instances/${encodeURIComponent(instanceId)}/history`, { at: new Date(ms).toISOString() });
  return { by: 'instance', version: v.version, service: v.service, instance_id: v.instance_id, host: v.host ?? '', at: v.at, ran_from: v.interval.from, ran_until: v.interval.to };
}

/**
 *   session ses-1 (ended): version v1 on instance hello-local-7001, host local
 *   instance hello-local-7001 at 2026-01-31T12:00:00.000Z: version v2 (since …, still running), host local
 */
function describeAnswer(a: WhichAnswer): string {
  if (a.by === 'session') return `session ${String(a.session_id)} (${String(a.state)}): version ${a.version} on instance ${a.instance_id}, host ${a.host}, service ${a.service}`;
  const until = a.ran_until === null ? 'still running' : `until ${String(a.ran_until)}`;
  return `instance ${a.instance_id} at ${String(a.at)}: version ${a.version} (from ${String(a.ran_from)}, ${until}), host ${a.host}, service ${a.service}`;
}
