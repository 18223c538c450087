/**
 * What `ferry preflight` gathers about a release and what it answers (CONTRACT §4,
 * Evidence and readiness): every reason a release of V of service S would be refused
 * right now, each naming its gate. The gatherer (server) reads the store, asks the
 * freeze and readiness gates and probes the package; the core only decides.
 */
import type { Alert } from '../alerts/alert-types.js';
import type { Host, Operation } from '../types.js';

/** The gates a release passes, in the order preflight reports them. */
export const PREFLIGHT_GATES = ['release', 'readiness', 'freeze', 'lock', 'package', 'agents', 'alerts'] as const;
export type PreflightGate = (typeof PREFLIGHT_GATES)[number];

/**
 * One reason to refuse. `blocking: false` is advisory: the gate would not refuse today
 * (readiness not enforced), but a person deciding should see it.
 */
export interface PreflightReason {
  gate: PreflightGate;
  code: string;
  blocking: boolean;
  message: string;
  details: Record<string, unknown>;
}

/** A freeze window covering the service (the freeze gate's FreezeHit, by shape). */
export interface CoveringFreeze {
  freeze_id: string;
  service: string | null;
  reason: string;
  /** Epoch ms at which the covering occurrence ends. */
  ends_at: number;
}

/** Why a release is not admitted (the readiness gate's AdmissionShortfall, by shape). */
export interface ReadinessShortfall {
  failed_checks: string[];
  missing_checks: string[];
  replay_passed: boolean;
}

/**
 * What the server learnt by trying to reach `package_url` itself: a bounded HEAD/GET of
 * an http(s) URL, or whether a file:// path exists and is readable on the server.
 */
export interface PackageProbe {
  reachable: boolean;
  /** A short reason when not reachable: `http_404`, `timeout`, `not_found`, `not_readable`, ... */
  error: string | null;
}

/** Everything the decision reads, gathered at one moment. */
export interface PreflightState {
  service: string;
  version: string;
  /** The registered release; null when V was never registered. */
  release: { package_url: string } | null;
  readiness: { enforced: boolean; shortfall: ReadinessShortfall | null };
  freeze: CoveringFreeze | null;
  /** The active deployment, rollback or restart holding the service lock; null when free. */
  lockHolder: Operation | null;
  /** Hosts of the service's live instances (duplicates allowed; order kept). */
  instanceHosts: string[];
  /** Every host an agent reported from. A host of an instance missing here never reported. */
  hosts: Array<Pick<Host, 'host' | 'last_heartbeat_at' | 'kept_releases'>>;
  /** Null when no probe was needed (every host keeps the release, or it is not registered). */
  packageProbe: PackageProbe | null;
  /** Firing alerts of the service of severity P0. */
  firingP0Alerts: Array<Pick<Alert, 'id' | 'name' | 'summary' | 'started_at'>>;
  /** FERRY_HEARTBEAT_S: an agent is silent after 3 of these without a heartbeat. */
  heartbeatS: number;
}

/** The answer: `ok` when no reason blocks. */
export interface PreflightVerdict {
  ok: boolean;
  reasons: PreflightReason[];
}
