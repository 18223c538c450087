/** Service <-> `services` row: env, verify, strategy and the release-gate specs are JSON text. */
import type { Insertable, Selectable } from 'kysely';
import type { AnalysisSpec, ChannelSpec, DriftPolicy, ReadinessSpec, ReplaySpec, RollbackTriggersSpec, Service, StrategySpec, TrafficSpec, VerifyCheck, VersionCheck } from '../core/types.js';
import { fromFlag, fromJsonOrNull, toFlag, toJsonOrNull } from './column-codecs.js';
import type { ServiceTable } from './database-schema.js';

export function serviceToRow(service: Service): Insertable<ServiceTable> {
  return {
    name: service.name,
    start: service.start,
    health_path: service.health_path,
    version_path: service.version_path,
    env_json: JSON.stringify(service.env),
    verify_json: JSON.stringify(service.verify),
    strategy_json: toJsonOrNull(service.strategy),
    drift_policy: service.drift_policy,
    keep_releases: service.keep_releases,
    drain_s: service.drain_s,
    desired_version: service.desired_version,
    previous_version: service.previous_version,
    oncall: service.oncall,
    runbooks_json: JSON.stringify(service.runbooks),
    readiness_json: toJsonOrNull(service.readiness),
    replay_json: toJsonOrNull(service.replay),
    replay_after_rollback: service.replay_after_rollback === null ? null : toFlag(service.replay_after_rollback),
    channels_json: JSON.stringify(service.channels),
    traffic_json: toJsonOrNull(service.traffic),
    analysis_json: toJsonOrNull(service.analysis),
    rollback_triggers_json: toJsonOrNull(service.rollback_triggers),
    rollback_batch_percent: service.rollback_batch_percent,
    version_check_json: toJsonOrNull(service.version_check),
    created_at: service.created_at,
    updated_at: service.updated_at,
  };
}

export function serviceFromRow(row: Selectable<ServiceTable>): Service {
  return {
    name: row.name,
    start: row.start,
    health_path: row.health_path,
    version_path: row.version_path,
    env: JSON.parse(row.env_json) as Record<string, string>,
    verify: JSON.parse(row.verify_json) as VerifyCheck[],
    strategy: fromJsonOrNull<StrategySpec>(row.strategy_json),
    drift_policy: row.drift_policy as DriftPolicy,
    keep_releases: row.keep_releases,
    drain_s: row.drain_s,
    desired_version: row.desired_version,
    previous_version: row.previous_version,
    oncall: row.oncall,
    runbooks: JSON.parse(row.runbooks_json) as Service['runbooks'],
    readiness: fromJsonOrNull<ReadinessSpec>(row.readiness_json),
    replay: fromJsonOrNull<ReplaySpec>(row.replay_json),
    replay_after_rollback: row.replay_after_rollback === null ? null : fromFlag(row.replay_after_rollback),
    channels: JSON.parse(row.channels_json) as Record<string, ChannelSpec>,
    traffic: fromJsonOrNull<TrafficSpec>(row.traffic_json),
    analysis: fromJsonOrNull<AnalysisSpec>(row.analysis_json),
    rollback_triggers: fromJsonOrNull<RollbackTriggersSpec>(row.rollback_triggers_json),
    rollback_batch_percent: row.rollback_batch_percent,
    version_check: fromJsonOrNull<VersionCheck>(row.version_check_json),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
