/** The channels as GET /services/{service}/channels shows them (CONTRACT §4): times in ISO 8601. */
import type { ChannelEntry } from '../../../core/channels/channel-entry.js';
import type { ChannelView } from '../../../core/channels/channel-view.js';
import { iso } from '../../../core/iso-time.js';

export function presentChannel(view: ChannelView) {
  return {
    name: view.name,
    version: view.version,
    instances: view.instances,
    updated_at: iso(view.updated_at),
    /** When the version now on the channel finished deploying there; null when unknown or still deploying. */
    soak_started_at: iso(view.soak_started_at),
    history: view.history.map(presentEntry),
  };
}

function presentEntry(entry: ChannelEntry) {
  return {
    version: entry.version,
    at: iso(entry.at),
    actor: entry.actor,
    reason: entry.reason,
    correlation_id: entry.correlation_id,
    deploy_id: entry.deploy_id,
    soak_started_at: iso(entry.soak_started_at),
  };
}
