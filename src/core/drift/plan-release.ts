/**
 * `POST /api/v1/instances/{id}/release` as a pure decision: an isolated instance returns
 * to service only once its own probe answers the version it should run.
 *   not isolated                         → 422 not_isolated
 *   an operation is changing it          → 422 instance_in_flight
 *   answers v1, should run v2            → 422 version_still_wrong (expected v2, observed v1)
 *   answers v2, should run v2            → isolation cleared, instance_released
 */
import { refuse, type Decision } from '../result.js';
import type { EventEnvelope, OperatorReleaseDetails } from '../events/event-catalogue.js';
import type { Instance, OperationTarget } from '../types.js';
import { versionExpectation } from './detect-drift.js';
import { episodeCorrelationId } from './drift-plan.js';
import { pinToRestore } from './plan-drift.js';

export interface ReleaseRequest {
  instance: Instance;
  desiredVersion: string | null;
  /** The instance's target in the service's active operation, if any. */
  activeTarget: OperationTarget | undefined;
  actor: string;
  now: number;
}

export interface ReleasePlan {
  /** The pin to restore (a rebuild's deployment pinned the instance); undefined leaves it. */
  pin: string | null | undefined;
  event: EventEnvelope & { type: 'instance_released'; details: OperatorReleaseDetails };
}

export function planRelease(req: ReleaseRequest): Decision<ReleasePlan> {
  const { instance } = req;
  const isolation = instance.isolation;
  const id = instance.instance_id;
  if (isolation === null) return refuse('unprocessable', 'not_isolated', `instance ${id} is not quarantined or marked unhealthy, so there is nothing to release`, { instance_id: id });
  const expectation = versionExpectation(instance, req.desiredVersion, req.activeTarget);
  if (expectation.kind === 'in_flight') {
    return refuse('unprocessable', 'instance_in_flight', `an operation is changing instance ${id}; release it once that operation has ended`, { instance_id: id });
  }
  const expected = expectation.version ?? isolation.expected_version;
  const observed = instance.observed?.version ?? null;
  if (expected === null || observed !== expected) {
    const message = `instance ${id} answers version ${observed ?? 'nothing'} but should run ${expected ?? 'a version the service has not chosen yet'}; fix it (e.g. deploy ${expected ?? 'a version'} to it) before releasing`;
    return refuse('unprocessable', 'version_still_wrong', message, { instance_id: id, expected, observed });
  }
  const pin = pinToRestore(instance, isolation);
  const event: ReleasePlan['event'] = {
    at: req.now,
    type: 'instance_released',
    service: instance.service,
    version: observed,
    instance_id: id,
    deploy_id: null,
    actor: req.actor,
    correlation_id: episodeCorrelationId(id, isolation.since),
    details: { by: 'operator', status: isolation.status, policy: isolation.policy, isolated_since: new Date(isolation.since).toISOString(), reason: isolation.reason },
  };
  return { ok: true, pin, event };
}
