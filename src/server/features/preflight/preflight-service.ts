/**
 * Gathers what `preflightVerdict` decides on, at one moment: the service and its live
 * instances, the release, the hosts, the lock holder, firing P0 alerts, and what the
 * freeze and readiness gates say, then probes the package only when some host of the
 * service would have to download it. Reads only: a preflight changes nothing and
 * records no event, so anyone with read access may ask as often as they like.
 */
import { hostsWithoutRelease, preflightVerdict } from '../../../core/preflight/preflight-reasons.js';
import type { PackageProbe, PreflightReason, PreflightState } from '../../../core/preflight/preflight-types.js';
import { iso } from '../../../core/iso-time.js';
import { checkedName } from '../../../core/names.js';
import type { ServerContext } from '../../server-context.js';
import { coveringFreeze } from '../freezes/freeze-gate.js';
import { admissionShortfall, readinessEnforced } from '../readiness/readiness-gate.js';
import { liveInstances, requireService } from '../services/service-lookup.js';
import { probePackage } from './package-probe.js';

/** The body of `GET /api/v1/releases/{service}/{version}/preflight`. */
export interface PreflightReport {
  service: string;
  version: string;
  /** True when no reason blocks (advisory reasons may still be listed). */
  ok: boolean;
  checked_at: string;
  reasons: PreflightReason[];
}

/**
 * How preflight asks the freeze and readiness gates: the very functions deployments are
 * refused by. A test may pass its own to see the answers reach the verdict.
 */
export interface GateReaders {
  coveringFreeze: typeof coveringFreeze;
  readinessEnforced: typeof readinessEnforced;
  admissionShortfall: typeof admissionShortfall;
}

const RELEASE_GATES: GateReaders = { coveringFreeze, readinessEnforced, admissionShortfall };

/** 400 for a bad name or version, 404 `service_not_found`; otherwise every reason to refuse V now. */
export async function preflightRelease(ctx: ServerContext, serviceName: string, version: string, gates: GateReaders = RELEASE_GATES): Promise<PreflightReport> {
  checkedName(serviceName, 'service');
  checkedName(version, 'version');
  const now = ctx.now();
  const store = ctx.store;
  const service = await requireService(store, serviceName);
  const [release, instances, hosts, active, alerts, freeze, shortfall] = await Promise.all([
    store.getRelease(service.name, version),
    liveInstances(store, service.name),
    store.listHosts(),
    store.listOperations({ service: service.name, activeOnly: true, limit: 1 }),
    store.listAlerts({ state: 'firing', service: service.name, severity: 'P0' }),
    gates.coveringFreeze(store, service.name, now),
    gates.admissionShortfall(ctx, store, service, version, now),
  ]);
  const gathered: PreflightState = {
    service: service.name,
    version,
    release: release === undefined ? null : { package_url: release.package_url },
    readiness: { enforced: gates.readinessEnforced(ctx, service), shortfall },
    freeze,
    lockHolder: active[0] ?? null,
    instanceHosts: instances.map((i) => i.host),
    hosts,
    packageProbe: null,
    firingP0Alerts: alerts,
    heartbeatS: ctx.timers.heartbeatS,
  };
  const state = { ...gathered, packageProbe: await packageProbeFor(gathered) };
  const verdict = preflightVerdict(state, now);
  return { service: service.name, version, ok: verdict.ok, checked_at: iso(now), reasons: verdict.reasons };
}

/** Probes only when a registered release would have to be downloaded by some host. */
async function packageProbeFor(state: PreflightState): Promise<PackageProbe | null> {
  if (state.release === null || hostsWithoutRelease(state).length === 0) return null;
  return probePackage(state.release.package_url);
}
