/**
 * What every release gate (freeze windows, readiness) is asked about a change: which
 * service and version, whether it is whole-service, how it was asked for, and an
 * operator's freeze override. Its own module so the gates and their callers share it
 * without importing each other.
 */
import type { Service } from '../../../core/types.js';
import type { Caller } from '../shared/caller.js';

/** A deployment (`POST /deployments`, a rollout), a channel deploy, or a promotion to stable. */
export type GatedAction = 'deploy' | 'channel_deploy' | 'promote';

export interface GateRequest {
  service: Service;
  version: string;
  /** Every instance of the service: only such a change (or a promotion) is held to readiness. */
  wholeService: boolean;
  action: GatedAction;
  /** `override_freeze: {reason}` from the request body: passes a freeze, audited `freeze_overridden`. */
  overrideFreeze: { reason: string } | undefined;
  caller: Caller;
  now: number;
}
