/**
 * One row of a channel's history (migration 015): a version asked for on a channel, by
 * whom and why, and the operation that carries it. Rows are appended, never deleted; the
 * one field set later is `soak_started_at`, once, when that operation succeeds.
 */
export interface ChannelEntry {
  /** Grows with every row, so "newest" is "highest id" even within one millisecond. */
  id: number;
  service: string;
  channel: string;
  version: string;
  /** When the change was asked for (epoch ms). */
  at: number;
  actor: string;
  /** The operator's reason; null for a channel deploy without one. */
  reason: string | null;
  correlation_id: string;
  /** The deployment or rollback that carries the change. */
  deploy_id: string;
  /** When that operation succeeded; null while it runs, and forever if it failed. */
  soak_started_at: number | null;
}

export type ChannelEntryDraft = Omit<ChannelEntry, 'id' | 'soak_started_at'>;

/** What a channel change is: a deploy to a channel, a promotion into stable, or an emergency rollback. */
export type ChannelChange = 'deploy' | 'promote' | 'rollback';
