/**
 * The rollback-trigger watcher's settings, read once at server start (docs/rollback-triggers.md).
 * A malformed value refuses the start, as the alert settings do: a watch that silently never
 * ticks would be found out only by the release it failed to roll back.
 */
import { positiveSetting } from '../../../config/positive-setting.js';

export interface RollbackTriggerConfig {
  /** How often every watched release is looked at (FERRY_TRIGGER_INTERVAL_MS, 15000). */
  intervalMs: number;
  /** Bound on one rate query, connect to last byte (FERRY_TRIGGER_QUERY_TIMEOUT_MS, 5000). */
  queryTimeoutMs: number;
  /**
   * A triggered rollback must finish within this (ROLLBACK_MAX_MINUTES, 10, as RollbackSlow
   * reads it): its progress and healthy deadlines are cut to it.
   */
  rollbackMaxMinutes: number;
}

/** `rollbackMaxMinutes` is the alert settings' (alert-config.ts reads ROLLBACK_MAX_MINUTES), so RollbackSlow and the deadline agree. */
export function readRollbackTriggerConfig(env: NodeJS.ProcessEnv, rollbackMaxMinutes: number): RollbackTriggerConfig {
  return {
    intervalMs: positiveSetting(env, 'FERRY_TRIGGER_INTERVAL_MS', 15_000),
    queryTimeoutMs: positiveSetting(env, 'FERRY_TRIGGER_QUERY_TIMEOUT_MS', 5_000),
    rollbackMaxMinutes,
  };
}

