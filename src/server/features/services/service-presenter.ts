/** Read models for services and hosts, in the contract's shapes. */
import type { Operation, ReplaySpec, Service } from '../../../core/types.js';
import { analysisWithoutCredentials } from '../../../core/analysis/analysis-credentials.js';
import { verifyWithoutSecrets } from '../../../core/smoke/verify-without-secrets.js';
import { iso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import { loadFleetView, statusCounts } from '../instances/fleet-view.js';
import { requireService } from './service-lookup.js';

export function presentLock(operation: Operation | undefined) {
  if (operation === undefined) return null;
  const field = operation.kind === 'rollback' ? 'rollback_id' : 'deploy_id';
  return { [field]: operation.id, kind: operation.kind, status: operation.status, actor: operation.actor, since: iso(operation.created_at) };
}

/** What a caller below admin sees of each env value (CONTRACT §9). */
export const REDACTED = '***';

/** `secrets` false masks every env value: the names stay visible, so a reader can tell what is set. */
function presentSpec(service: Service, secrets: boolean) {
  return {
    name: service.name,
    start: service.start,
    health_path: service.health_path,
    version_path: service.version_path,
    version_check: service.version_check,
    env: secrets ? service.env : Object.fromEntries(Object.keys(service.env).map((k) => [k, REDACTED])),
    verify: secrets ? service.verify : verifyWithoutSecrets(service.verify),
    strategy: service.strategy,
    drift_policy: service.drift_policy,
    keep_releases: service.keep_releases,
    drain_s: service.drain_s,
    oncall: service.oncall,
    runbooks: service.runbooks,
    readiness: service.readiness,
    replay: presentReplaySpec(service.replay, secrets),
    replay_after_rollback: service.replay_after_rollback,
    channels: service.channels,
    traffic: service.traffic,
    analysis: secrets ? service.analysis : analysisWithoutCredentials(service.analysis),
    rollback_triggers: service.rollback_triggers,
    rollback_batch_percent: service.rollback_batch_percent,
    desired_version: service.desired_version,
    previous_version: service.previous_version,
    created_at: iso(service.created_at),
    updated_at: iso(service.updated_at),
  };
}

/**
 * Inline recorded requests carry real traffic's headers (Authorization, Cookie): below
 * admin every header value is masked like env, the names stay. A file path is shown as is.
 */
function presentReplaySpec(replay: ReplaySpec | null, secrets: boolean): ReplaySpec | null {
  if (replay === null || secrets || typeof replay.requests === 'string') return replay;
  return { ...replay, requests: replay.requests.map((r) => (r.headers === undefined ? r : { ...r, headers: Object.fromEntries(Object.keys(r.headers).map((k) => [k, REDACTED])) })) };
}

export async function describeService(ctx: ServerContext, name: string, view: { secrets: boolean }) {
  const service = await requireService(ctx.store, name);
  const fleet = await loadFleetView(ctx, service);
  return {
    ...presentSpec(service, view.secrets),
    service: service.name,
    lock: presentLock(fleet.activeOperation),
    instances: fleet.instances.map((v) => ({ instance_id: v.instance.instance_id, host: v.instance.host, port: v.instance.port })),
    instance_counts: { total: fleet.instances.length, ...statusCounts(fleet.instances) },
    drift_count: fleet.instances.filter((v) => v.drifted).length,
  };
}

export async function describeServices(ctx: ServerContext) {
  const services = await ctx.store.listServices();
  const described = await Promise.all(
    services.map(async (service) => {
      const fleet = await loadFleetView(ctx, service);
      return {
        service: service.name,
        desired_version: service.desired_version,
        previous_version: service.previous_version,
        instance_counts: { total: fleet.instances.length, ...statusCounts(fleet.instances) },
        drift_count: fleet.instances.filter((v) => v.drifted).length,
        lock: presentLock(fleet.activeOperation),
      };
    }),
  );
  return { services: described };
}

export async function describeHosts(ctx: ServerContext) {
  const [hosts, instances] = await Promise.all([ctx.store.listHosts(), ctx.store.listInstances({})]);
  const now = ctx.now();
  return {
    hosts: hosts.map((host) => ({
      host: host.host,
      address: host.address,
      agent_version: host.agent_version,
      last_heartbeat: iso(host.last_heartbeat_at),
      online: now - host.last_heartbeat_at <= 3 * ctx.timers.heartbeatS * 1000,
      instances: instances.filter((i) => i.host === host.host && i.removed_at === null).map((i) => i.instance_id),
      kept_releases: host.kept_releases,
    })),
  };
}
