/**
 * Builds the body of PUT /api/v1/services/{service} from `ferry service put` flags and an
 * optional `--spec` JSON file: the file gives the base, flags override it field by field,
 * `--env` entries merge over the file's env, and `--instance` flags replace its instances.
 * Pure, so the precedence is table-tested.
 */
import type { StrategySpec } from '../core/types.js';

export interface ServiceSpecFlags {
  start?: string;
  instance?: string[];
  healthPath?: string;
  versionPath?: string;
  env?: string[];
  keepReleases?: number;
  drainS?: number;
  driftPolicy?: string;
  strategy?: StrategySpec;
  oncall?: string;
  /** `--runbook AlertName=URL`, repeatable; merged over the file's runbooks. */
  runbook?: string[];
  /** `--no-instances`: declare the service with none, which stops and removes every instance. */
  noInstances?: boolean;
  /** `--version-check http|process|command`, refined by the three flags below. */
  versionCheck?: string;
  versionField?: string;
  versionHeader?: string;
  /** `--version-command "bin/app --version"`: argv split on spaces. */
  versionCommand?: string;
}

export type ServiceSpecBody = Record<string, unknown> & { start: string; instances: Array<{ host: string; port: number }> };

export type ServiceSpecResult = { ok: true; body: ServiceSpecBody } | { ok: false; message: string };

export function buildServiceSpec(flags: ServiceSpecFlags, fromFile: Record<string, unknown> = {}): ServiceSpecResult {
  const body: Record<string, unknown> = { ...fromFile };
  delete body.name;
  delete body.service;
  const overrides: Array<[string, unknown]> = [
    ['start', flags.start],
    ['health_path', flags.healthPath],
    ['version_path', flags.versionPath],
    ['keep_releases', flags.keepReleases],
    ['drain_s', flags.drainS],
    ['drift_policy', flags.driftPolicy],
    ['strategy', flags.strategy],
    ['oncall', flags.oncall],
  ];
  for (const [key, value] of overrides) if (value !== undefined) body[key] = value;

  const versionCheck = versionCheckFromFlags(flags, body);
  if (versionCheck !== undefined && !versionCheck.ok) return versionCheck;
  if (versionCheck !== undefined) body.version_check = versionCheck.check;

  if (flags.env !== undefined && flags.env.length > 0) {
    const env = isRecord(body.env) ? { ...body.env } : {};
    for (const pair of flags.env) {
      const at = pair.indexOf('=');
      if (at <= 0) return { ok: false, message: `--env "${pair}" must be KEY=VALUE` };
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
    body.env = env;
  }

  if (flags.runbook !== undefined && flags.runbook.length > 0) {
    const runbooks = isRecord(body.runbooks) ? { ...body.runbooks } : {};
    for (const pair of flags.runbook) {
      const at = pair.indexOf('=');
      if (at <= 0) return { ok: false, message: `--runbook "${pair}" must be AlertName=URL` };
      runbooks[pair.slice(0, at)] = pair.slice(at + 1);
    }
    body.runbooks = runbooks;
  }

  if (flags.noInstances === true) {
    if (flags.instance !== undefined && flags.instance.length > 0) return { ok: false, message: '--no-instances and --instance contradict each other' };
    body.instances = [];
  }
  if (flags.instance !== undefined && flags.instance.length > 0) {
    const instances: Array<{ host: string; port: number }> = [];
    for (const text of flags.instance) {
      const parsed = parseHostPort(text);
      if (!parsed.ok) return parsed;
      instances.push(parsed.instance);
    }
    body.instances = instances;
  }

  if (typeof body.start !== 'string' || body.start.trim() === '') {
    return { ok: false, message: 'the service needs a start command: --start "node server.js" (or "start" in --spec)' };
  }
  // Replacing a spec without instances would drain the whole service; an empty list must be asked for explicitly.
  if (!Array.isArray(body.instances)) {
    return { ok: false, message: 'the service needs its instances: --instance HOST:PORT, repeatable, or --no-instances to remove them all (or "instances" in --spec)' };
  }
  return { ok: true, body: body as ServiceSpecBody };
}

type VersionCheckFlagsResult = { ok: true; check: Record<string, unknown> } | { ok: false; message: string };

/**
 * The `version_check` the flags ask for, or undefined when they name none. `--version-field`,
 * `--version-header` and `--version-command` imply their type, so `--version-check` may be left out.
 */
function versionCheckFromFlags(flags: ServiceSpecFlags, body: Record<string, unknown>): VersionCheckFlagsResult | undefined {
  const implied = flags.versionCommand !== undefined ? 'command' : flags.versionField !== undefined || flags.versionHeader !== undefined ? 'http' : undefined;
  const type = flags.versionCheck ?? implied;
  if (type === undefined) return undefined;
  if (implied !== undefined && type !== implied) return { ok: false, message: `--version-check ${type} does not take --version-${implied === 'command' ? 'command' : 'field/--version-header'}` };
  switch (type) {
    case 'process':
      return { ok: true, check: { type: 'process' } };
    case 'http': {
      const path = typeof body.version_path === 'string' ? body.version_path : '/version';
      const extra = { ...(flags.versionField !== undefined ? { field: flags.versionField } : {}), ...(flags.versionHeader !== undefined ? { header: flags.versionHeader } : {}) };
      return { ok: true, check: { type: 'http', path, ...extra } };
    }
    case 'command': {
      const argv = (flags.versionCommand ?? '').split(' ').filter((word) => word !== '');
      if (argv.length === 0) return { ok: false, message: '--version-check command needs --version-command "PROGRAM ARG…" (run in the release directory)' };
      return { ok: true, check: { type: 'command', command: argv } };
    }
    default:
      return { ok: false, message: `--version-check "${type}" must be http, process or command` };
  }
}

/** `web1:7001` → {host:'web1', port:7001}; the host is an agent's host id. */
export function parseHostPort(text: string): { ok: true; instance: { host: string; port: number } } | { ok: false; message: string } {
  const at = text.lastIndexOf(':');
  const host = text.slice(0, at).trim();
  const portText = text.slice(at + 1).trim();
  const port = Number(portText);
  if (at <= 0 || host === '' || !/^\d+$/.test(portText) || port < 1 || port > 65_535) {
    return { ok: false, message: `--instance "${text}" must be HOST:PORT with a port from 1 to 65535 (HOST is an agent's host id)` };
  }
  return { ok: true, instance: { host, port } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
