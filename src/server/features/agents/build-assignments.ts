/**
 * The whole desired state of one host, as its agent needs it: every live instance with
 * its goal, the release to fetch and the service's run spec. The revision is a digest
 * of the content, so an unchanged state never wakes an agent.
 */
import { effectiveVersionCheck } from '../../../core/version-check.js';
import { createHash } from 'node:crypto';
import type { Assignments, InstanceAssignment } from '../../../core/agent-protocol.js';
import type { Instance, Release, Service } from '../../../core/types.js';
import type { ServerContext } from '../../server-context.js';
import { stagingAssignmentsFor } from '../replays/staging-assignments.js';

export async function buildAssignments(ctx: ServerContext, host: string): Promise<Assignments> {
  const instances = (await ctx.store.listInstances({ host })).filter((i) => i.removed_at === null);
  const services = new Map<string, Service | undefined>();
  const releases = new Map<string, Release | undefined>();
  const assigned: InstanceAssignment[] = [];
  for (const instance of instances) {
    if (!services.has(instance.service)) services.set(instance.service, await ctx.store.getService(instance.service));
    const service = services.get(instance.service);
    if (service === undefined) continue;
    const version = instance.goal.version;
    const key = `${instance.service}\u0000${version}`;
    if (version !== null && !releases.has(key)) releases.set(key, await ctx.store.getRelease(instance.service, version));
    assigned.push(assignmentFor(instance, service, version === null ? undefined : releases.get(key)));
  }
  const logRequests = ctx.logRequests.pendingFor(host);
  const staging = await stagingAssignmentsFor(ctx.store, host, ctx.replay);
  // A log request or a staging entry changes the revision, so it wakes the agent's long-poll at once.
  const revision = createHash('sha256').update(JSON.stringify([assigned, logRequests, staging])).digest('hex').slice(0, 32);
  return { host, revision, heartbeat_s: ctx.timers.heartbeatS, instances: assigned, log_requests: logRequests, staging };
}

function assignmentFor(instance: Instance, service: Service, release: Release | undefined): InstanceAssignment {
  // A goal naming an unregistered release is never sent as such (invariant 1): the agent is told to run nothing.
  const version = release === undefined ? null : instance.goal.version;
  return {
    instance_id: instance.instance_id,
    service: service.name,
    port: instance.port,
    version,
    generation: instance.goal.generation,
    action: instance.goal.action,
    timeout_s: instance.goal.timeout_s,
    release: release === undefined ? null : { package_url: release.package_url, sha256: release.sha256 },
    start: service.start,
    env: service.env,
    health_path: service.health_path,
    version_path: service.version_path,
    version_check: effectiveVersionCheck(service),
    verify: service.verify,
    keep_releases: service.keep_releases,
    protected_versions: [service.desired_version, service.previous_version].filter((v): v is string => v !== null),
    drain_s: service.drain_s,
    operation: instance.goal.operation ?? null,
  };
}
