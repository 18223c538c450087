/**
 * Instance <-> `instances` row, with the goal flattened into `goal_*` columns and the latest
 * observation into nullable `observed_*` columns; and `instance_versions` rows to intervals.
 */
import type { Insertable, Selectable } from 'kysely';
import type { GoalOperation, GoalOutcome, Instance, InstanceGoal, InstanceIsolation, ReplayHold, InstanceObservation, InstanceTraffic, ObservedStatus, VersionInterval, VersionProof } from '../core/types.js';
import { fromJsonOrNull, toJsonOrNull } from './column-codecs.js';
import type { InstanceTable, InstanceVersionTable } from './database-schema.js';

/** The goal columns of an instance row; a goal without an operation clears the previous goal's. */
export function goalToColumns(goal: InstanceGoal): Pick<InstanceTable, 'goal_version' | 'goal_generation' | 'goal_action' | 'goal_timeout_s' | 'goal_operation_json'> {
  return {
    goal_version: goal.version,
    goal_generation: goal.generation,
    goal_action: goal.action,
    goal_timeout_s: goal.timeout_s,
    goal_operation_json: toJsonOrNull(goal.operation ?? null),
  };
}

/** The stored goal; `operation` is left out, not null, when no operation set it. */
function goalFromRow(row: Selectable<InstanceTable>): InstanceGoal {
  const operation = fromJsonOrNull<GoalOperation>(row.goal_operation_json);
  return {
    version: row.goal_version,
    generation: row.goal_generation,
    action: row.goal_action as InstanceGoal['action'],
    timeout_s: row.goal_timeout_s,
    ...(operation === null ? {} : { operation }),
  };
}

type ObservationColumns = Pick<
  InstanceTable,
  'observed_status' | 'observed_version' | 'observed_pid' | 'achieved_generation' | 'outcome_json' | 'observed_at' | 'observed_proof_json'
>;

/** The observation columns of an instance row; all null for "never observed". */
export function observationToColumns(observation: InstanceObservation | null): ObservationColumns {
  return {
    observed_status: observation?.status ?? null,
    observed_version: observation?.version ?? null,
    observed_pid: observation?.pid ?? null,
    achieved_generation: observation?.achieved_generation ?? null,
    outcome_json: toJsonOrNull(observation?.outcome ?? null),
    observed_at: observation?.at ?? null,
    observed_proof_json: toJsonOrNull(observation?.proof ?? null),
  };
}

export function instanceToRow(instance: Instance): Insertable<InstanceTable> {
  return {
    instance_id: instance.instance_id,
    service: instance.service,
    host: instance.host,
    port: instance.port,
    pinned_version: instance.pinned_version,
    ...goalToColumns(instance.goal),
    ...observationToColumns(instance.observed),
    removed_at: instance.removed_at,
    isolation_json: toJsonOrNull(instance.isolation),
    replay_hold: toJsonOrNull(instance.replay_hold ?? null),
    traffic_json: toJsonOrNull(instance.traffic ?? null),
    created_at: instance.created_at,
  };
}

export function instanceFromRow(row: Selectable<InstanceTable>): Instance {
  // observed_status is written with every observation, so it alone marks "observed at least once".
  const observed: InstanceObservation | null =
    row.observed_status === null
      ? null
      : {
          status: row.observed_status as ObservedStatus,
          version: row.observed_version,
          proof: fromJsonOrNull<VersionProof>(row.observed_proof_json),
          pid: row.observed_pid,
          achieved_generation: row.achieved_generation ?? 0,
          outcome: fromJsonOrNull<GoalOutcome>(row.outcome_json),
          at: row.observed_at ?? 0,
        };
  return {
    instance_id: row.instance_id,
    service: row.service,
    host: row.host,
    port: row.port,
    pinned_version: row.pinned_version,
    goal: goalFromRow(row),
    observed,
    removed_at: row.removed_at,
    isolation: fromJsonOrNull<InstanceIsolation>(row.isolation_json),
    replay_hold: fromJsonOrNull<ReplayHold>(row.replay_hold),
    traffic: fromJsonOrNull<InstanceTraffic>(row.traffic_json),
    created_at: row.created_at,
  };
}

export function intervalFromRow(row: Pick<Selectable<InstanceVersionTable>, 'instance_id' | 'version' | 'from_at' | 'to_at'>): VersionInterval {
  return { instance_id: row.instance_id, version: row.version, from: row.from_at, to: row.to_at };
}
