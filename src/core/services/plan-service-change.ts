/**
 * What a PUT of a service would change, computed before anything is written, so the
 * caller can show it (`?dry_run=true`, `ferry service put --dry-run`), ask before applying
 * it, and audit exactly what was applied. A PUT replaces the instance list, so an instance
 * left out of it is removed: drained and stopped. The plan names each such instance.
 * Pure: the caller reads the service, its live instances and the hosts that ever had an agent.
 */
import { analysisWithoutCredentials } from '../analysis/analysis-credentials.js';
import type { AnalysisSpec } from '../analysis/analysis-spec.js';
import type { Instance, Service, VerifyCheck } from '../types.js';
import { verifyWithoutSecrets } from '../smoke/verify-without-secrets.js';

/** The declared part of a service that a PUT replaces. */
export type ServiceSettings = Pick<Service, 'start' | 'health_path' | 'version_path' | 'version_check' | 'env' | 'verify' | 'strategy' | 'drift_policy' | 'keep_releases' | 'drain_s' | 'oncall' | 'runbooks' | 'readiness' | 'replay' | 'replay_after_rollback' | 'channels' | 'traffic' | 'analysis' | 'rollback_triggers' | 'rollback_batch_percent'>;

export const SETTING_FIELDS = ['start', 'health_path', 'version_path', 'version_check', 'verify', 'strategy', 'drift_policy', 'keep_releases', 'drain_s', 'oncall', 'runbooks', 'readiness', 'replay', 'replay_after_rollback', 'channels', 'traffic', 'analysis', 'rollback_triggers', 'rollback_batch_percent'] as const;

export interface PlannedInstance {
  instance_id: string;
  host: string;
  port: number;
}

export interface RemovedInstance extends PlannedInstance {
  /** What the instance last probed (else what it was meant to run): what stops with it. */
  version: string | null;
}

/**
 * One changed setting, `before` null when the service is new. The env is never shown by
 * value, only by the names of the keys added, removed or given another value, so a plan
 * is safe to print, log and paste whoever asked for it.
 */
export type SettingChange = { field: (typeof SETTING_FIELDS)[number]; before: unknown; after: unknown } | { field: 'env'; changed_keys: string[] };

export interface ServicePlan {
  service: string;
  /** True when no service of that name exists yet. */
  creates_service: boolean;
  added: PlannedInstance[];
  removed: RemovedInstance[];
  /** Instances kept as they are, by id. */
  unchanged: string[];
  settings: SettingChange[];
  /** Accepted but worth a person's attention, e.g. an instance on a host no agent ever served. */
  warnings: string[];
  /** False when applying the plan would change nothing at all. */
  changes: boolean;
}

export interface ServicePlanInput {
  service: string;
  existing: ServiceSettings | undefined;
  /** The service's live (not removed) instances. */
  current: readonly Instance[];
  /** The instances the PUT lists, already checked and given their ids. */
  wanted: readonly PlannedInstance[];
  settings: ServiceSettings;
  /** Host ids that have ever had an agent (a row in hosts). */
  knownHosts: ReadonlySet<string>;
}

/**
 *   current [a, b], wanted [a]           → removed [b], unchanged [a]
 *   current [a], wanted [a, c on web9]   → added [c], warning "host web9 has never had an agent; …"
 *   env {K: 1} → {K: 2, L: 3}            → settings [{field: env, changed_keys: [K, L]}]
 */
export function planServiceChange(input: ServicePlanInput): ServicePlan {
  const currentIds = new Set(input.current.map((i) => i.instance_id));
  const wantedIds = new Set(input.wanted.map((w) => w.instance_id));
  const added = input.wanted.filter((w) => !currentIds.has(w.instance_id)).map(({ instance_id, host, port }) => ({ instance_id, host, port }));
  const removed = input.current
    .filter((i) => !wantedIds.has(i.instance_id))
    .map((i) => ({ instance_id: i.instance_id, host: i.host, port: i.port, version: i.observed?.version ?? i.goal.version }))
    .sort((a, b) => a.instance_id.localeCompare(b.instance_id));
  const unchanged = input.wanted.filter((w) => currentIds.has(w.instance_id)).map((w) => w.instance_id);
  const settings = settingChanges(input.existing, input.settings);
  const warnings = added
    .filter((a) => !input.knownHosts.has(a.host))
    .map((a) => `host ${a.host} has never had an agent; instance ${a.instance_id} will start once an agent with --host-id ${a.host} connects`);
  const creates = input.existing === undefined;
  return { service: input.service, creates_service: creates, added, removed, unchanged, settings, warnings, changes: creates || added.length + removed.length + settings.length > 0 };
}

function settingChanges(before: ServiceSettings | undefined, after: ServiceSettings): SettingChange[] {
  const changes: SettingChange[] = [];
  for (const field of SETTING_FIELDS) {
    const was = before === undefined ? null : before[field];
    if (sameValue(was, after[field])) continue;
    // A plan is printed and audited: an analysis address shows without its credentials, a smoke step without its header values.
    if (field === 'analysis') changes.push({ field, before: analysisWithoutCredentials(was as AnalysisSpec | null), after: analysisWithoutCredentials(after.analysis) });
    else if (field === 'verify') changes.push({ field, before: was === null ? null : verifyWithoutSecrets(was as VerifyCheck[]), after: verifyWithoutSecrets(after.verify) });
    else changes.push({ field, before: was, after: after[field] });
  }
  const envKeys = changedKeys(before?.env ?? {}, after.env);
  if (envKeys.length > 0) changes.push({ field: 'env', changed_keys: envKeys });
  return changes;
}

/** Keys added, removed or given another value, sorted. */
function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/** Structural equality of JSON values, blind to key order (a stored strategy may list its keys in another order). */
function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
