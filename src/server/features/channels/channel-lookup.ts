/**
 * Reads what the channel routes decide on: the service's channels (stable, canary, the
 * declared ones), the instances each takes, and each one's version, soak and history,
 * from the core's assignment and view (core/channels). One read path for GET, deploy,
 * promote and rollback, so they all see the same channels.
 */
import type { ChannelEntry } from '../../../core/channels/channel-entry.js';
import { assignChannels, channelOrder, keptInstances, STABLE, type ChannelAssignment } from '../../../core/channels/channel-instances.js';
import { viewChannel, type ChannelView } from '../../../core/channels/channel-view.js';
import { NotFoundError, refusalError } from '../../../core/errors.js';
import type { Refusal } from '../../../core/result.js';
import type { Instance, Service } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { liveInstances } from '../services/service-lookup.js';

/** How many history rows each channel shows. */
export const HISTORY_LIMIT = 20;

export interface ServiceChannels {
  views: ChannelView[];
  /** The core's assignment, or its refusal (one instance, shares covering the service). */
  assignment: ChannelAssignment | Refusal;
}

/** Every channel of `service`: stable first, then canary, then the declared ones by name. */
export async function loadChannels(ctx: ServerContext, store: Store, service: Service): Promise<ServiceChannels> {
  const instances = await liveInstances(store, service.name);
  const byId = new Map(instances.map((i) => [i.instance_id, i]));
  const allIds = instances.map((i) => i.instance_id).sort();
  const names = [STABLE, ...channelOrder(service.channels)];
  const histories = new Map(await Promise.all(names.map(async (name) => [name, await store.listChannelHistory(service.name, name, HISTORY_LIMIT)] as const)));
  const kept: Record<string, string[]> = {};
  for (const name of names.slice(1)) kept[name] = await keptOf(store, histories.get(name)!, byId);
  const assignment = assignChannels({ channels: service.channels, instanceIds: allIds, defaultCanaryRatio: ctx.canary.ratio, kept });
  const views = names.map((name) => {
    // A refused assignment leaves every instance on stable and the other channels empty.
    const instanceIds = !assignment.ok ? (name === STABLE ? allIds : []) : name === STABLE ? assignment.stable : (assignment.channels[name] ?? []);
    return viewChannel({ name, instanceIds, instances: byId, desiredVersion: service.desired_version, history: histories.get(name)! });
  });
  return { views, assignment };
}

/** The instances a channel keeps (core keptInstances): its newest succeeded row's targets, still pinned to its version. */
async function keptOf(store: Store, history: ChannelEntry[], live: Map<string, Instance>): Promise<string[]> {
  const succeeded = history.find((entry) => entry.soak_started_at !== null);
  if (succeeded === undefined) return [];
  const targets = await store.listTargets(succeeded.deploy_id);
  return keptInstances({ version: succeeded.version, targetIds: targets.map((t) => t.instance_id) }, live);
}

/** The named channel's view, or 404 `channel_not_found`. */
export function requireChannel(channels: ServiceChannels, service: string, name: string): ChannelView {
  const view = channels.views.find((v) => v.name === name);
  if (view === undefined) {
    const known = channels.views.map((v) => v.name).join(', ');
    throw new NotFoundError('channel_not_found', `service ${service} has no channel ${name} (it has ${known})`, { service, channel: name });
  }
  return view;
}

/** The instances a non-stable channel takes, or the core's refusal as a 422 (`channel_covers_service`). */
export function channelInstanceIds(channels: ServiceChannels, name: string): string[] {
  if (!channels.assignment.ok) throw refusalError(channels.assignment);
  return channels.assignment.channels[name] ?? [];
}
