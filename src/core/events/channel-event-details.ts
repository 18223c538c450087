/**
 * Details of the channel events (CONTRACT §4 Channels): a promotion into stable and an
 * emergency rollback of a channel, each with the operator's reason and the operation that
 * carries it. A channel deploy needs no event of its own: its `deploy_started` carries
 * `channel` and `reason`.
 */
export type ChannelEventDetails = {
  channel_promoted: { from: string; to: string; version: string; reason: string; deploy_id: string; from_version_soaked_since: string | null };
  channel_rolled_back: { channel: string; to_version: string; reason: string; rollback_id: string; instances: string[] };
};
