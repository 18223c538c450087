/** Instances, versions, per-instance version history and releasing isolated instances (CONTRACT §2, seed 000 R4 and R7). */
import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { InputError, NotFoundError } from '../../../core/errors.js';
import type { InstanceIsolation, InstanceTraffic, ReplayHold, VersionInterval } from '../../../core/types.js';
import { EQUAL_WEIGHT } from '../../../core/traffic/traffic-spec.js';
import { checkedName } from '../../../core/names.js';
import { iso, parseIso } from '../../../core/iso-time.js';
import type { ServerContext } from '../../server-context.js';
import { transactionWithEvents } from '../../events/record-event.js';
import { IdParams, ServiceParams } from '../shared/schemas.js';
import { requireInstance, requireService } from '../services/service-lookup.js';
import { loadFleetView } from './fleet-view.js';
import { releaseReplayHold } from '../replays/release-replay-hold.js';
import { releaseInstance } from './release-instance.js';
import { unpinInstance } from './unpin-instance.js';
import { callerOf } from '../shared/caller.js';

const HistoryQuery = Type.Object({ at: Type.Optional(Type.String()) });

export function registerInstanceRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/v1/services/:service/instances', { config: { access: 'read' }, schema: { params: ServiceParams, tags: ['instances'] } }, async (request) => {
    const service = await requireService(ctx.store, checkedName((request.params as Static<typeof ServiceParams>).service, 'service'));
    const fleet = await loadFleetView(ctx, service);
    const instances = fleet.instances.map((v) => ({
      instance_id: v.instance.instance_id,
      host: v.instance.host,
      address: v.address,
      port: v.instance.port,
      status: v.status,
      version: v.version,
      version_source: v.versionSource,
      pinned_version: v.instance.pinned_version,
      isolation: presentIsolation(v.instance.isolation),
      replay_hold: presentReplayHold(v.instance.replay_hold ?? null),
      traffic: service.traffic === null ? null : presentTraffic(v.instance.traffic ?? null),
      pid: v.instance.observed?.pid ?? null,
      last_updated: iso(v.lastUpdated),
    }));
    return { service: service.name, instances, total: instances.length };
  });

  app.get('/api/v1/services/:service/versions', { config: { access: 'read' }, schema: { params: ServiceParams, tags: ['instances'] } }, async (request) => {
    const service = await requireService(ctx.store, checkedName((request.params as Static<typeof ServiceParams>).service, 'service'));
    const fleet = await loadFleetView(ctx, service);
    const summary: Record<string, number> = {};
    for (const v of fleet.instances) if (v.version !== null) summary[v.version] = (summary[v.version] ?? 0) + 1;
    return {
      service: service.name,
      desired_version: service.desired_version,
      previous_version: service.previous_version,
      instances: fleet.instances.map((v) => ({
        instance_id: v.instance.instance_id,
        version: v.version,
        version_source: v.versionSource,
        status: v.status,
        pinned_version: v.instance.pinned_version,
        drifted: v.drifted,
        drift_reason: v.drift?.reason ?? null,
        expected_version: v.drift?.expected ?? v.instance.isolation?.expected_version ?? null,
        isolation: presentIsolation(v.instance.isolation),
        last_updated: iso(v.lastUpdated),
      })),
      version_summary: summary,
      drift_count: fleet.instances.filter((v) => v.drifted).length,
    };
  });

  app.get('/api/v1/instances/:id/history', { config: { access: 'read' }, schema: { params: IdParams, querystring: HistoryQuery, tags: ['instances'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    const at = parseIso((request.query as Static<typeof HistoryQuery>).at);
    if (at === null) throw new InputError('invalid_time', 'at must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z');
    const instance = await ctx.store.getInstance(id);
    if (instance === undefined) throw new NotFoundError('instance_not_found', `instance ${id} does not exist`, { instance_id: id });
    const history = await ctx.store.listInstanceHistory(id);
    if (at === undefined) return { instance_id: id, service: instance.service, host: instance.host, history: history.map(presentInterval) };
    const interval = history.find((h) => h.from <= at && (h.to === null || at < h.to));
    if (interval === undefined) {
      throw new NotFoundError('version_not_known', `instance ${id} reported no version at ${iso(at)}`, { instance_id: id, at: iso(at) });
    }
    return { instance_id: id, service: instance.service, host: instance.host, at: iso(at), version: interval.version, interval: presentInterval(interval) };
  });

  app.post('/api/v1/instances/:id/release', { config: { access: 'deploy' }, schema: { params: IdParams, tags: ['instances'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    // A replay hold is lifted first; an instance that is also isolated by drift handling is released from that too,
    // in the same transaction: a refused drift release leaves the hold in place.
    const service = await transactionWithEvents(ctx.store, ctx.events, async (tx) => {
      const inTx: ServerContext = { ...ctx, store: tx };
      const unheld = await releaseReplayHold(inTx, id, callerOf(request));
      const instance = await requireInstance(tx, id);
      return unheld && instance.isolation === null ? instance.service : (await releaseInstance(inTx, id, callerOf(request))).service;
    });
    ctx.wake.reconcile();
    const fleet = await loadFleetView(ctx, await requireService(ctx.store, service));
    const view = fleet.instances.find((v) => v.instance.instance_id === id);
    return { instance_id: id, service, released: true, status: view?.status ?? null, version: view?.version ?? null };
  });

  /** Returns a pinned instance to the desired version (CONTRACT §2 Desired version); idempotent. */
  app.delete('/api/v1/instances/:id/pin', { config: { access: 'deploy' }, schema: { params: IdParams, tags: ['instances'] } }, async (request) => {
    const { id } = request.params as Static<typeof IdParams>;
    return unpinInstance(ctx, id, callerOf(request));
  });
}

/** The replay after a rollback that keeps the instance out of session allocation; null when none does. */
function presentReplayHold(hold: ReplayHold | null) {
  return hold === null ? null : { replay_id: hold.replay_id, failed: hold.failed, since: iso(hold.since) };
}

/**
 * What Ferry wants the service's load balancer to do with the instance and whether the
 * adapter did it (CONTRACT §5); an instance Ferry never touched serves as configured.
 */
function presentTraffic(traffic: InstanceTraffic | null) {
  if (traffic === null) return { state: 'ready', weight: EQUAL_WEIGHT, applied: true, error: null, since: null };
  const applied = traffic.applied?.seq === traffic.intent.seq ? traffic.applied : null;
  return { state: traffic.intent.state, weight: traffic.intent.weight, applied: applied?.ok === true, error: applied?.ok === false ? (applied.error ?? null) : null, since: iso(traffic.intent.at) };
}

/** Why and since when drift handling keeps an instance out of service; null when it does not. */
function presentIsolation(isolation: InstanceIsolation | null) {
  if (isolation === null) return null;
  return {
    status: isolation.status,
    policy: isolation.policy,
    reason: isolation.reason,
    expected_version: isolation.expected_version,
    observed_version: isolation.observed_version,
    since: iso(isolation.since),
    rebuild: isolation.rebuild,
  };
}

function presentInterval(interval: VersionInterval) {
  return { version: interval.version, from: iso(interval.from), to: iso(interval.to) };
}
