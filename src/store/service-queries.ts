/**
 * Services. `putService` replaces what an operator declares; the desired and previous
 * versions and the creation time of an existing row belong to the rollout engine and
 * survive a re-declaration.
 */
import type { Kysely } from 'kysely';
import type { Service } from '../core/types.js';
import type { Database } from './database-schema.js';
import { serviceFromRow, serviceToRow } from './service-rows.js';
import type { ServiceVersionPatch } from './store.js';

export async function putService(db: Kysely<Database>, service: Service): Promise<void> {
  await db
    .insertInto('services')
    .values(serviceToRow(service))
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({
        start: eb.ref('excluded.start'),
        health_path: eb.ref('excluded.health_path'),
        version_path: eb.ref('excluded.version_path'),
        env_json: eb.ref('excluded.env_json'),
        verify_json: eb.ref('excluded.verify_json'),
        strategy_json: eb.ref('excluded.strategy_json'),
        drift_policy: eb.ref('excluded.drift_policy'),
        keep_releases: eb.ref('excluded.keep_releases'),
        drain_s: eb.ref('excluded.drain_s'),
        oncall: eb.ref('excluded.oncall'),
        runbooks_json: eb.ref('excluded.runbooks_json'),
        readiness_json: eb.ref('excluded.readiness_json'),
        replay_json: eb.ref('excluded.replay_json'),
        replay_after_rollback: eb.ref('excluded.replay_after_rollback'),
        channels_json: eb.ref('excluded.channels_json'),
        traffic_json: eb.ref('excluded.traffic_json'),
        analysis_json: eb.ref('excluded.analysis_json'),
        rollback_triggers_json: eb.ref('excluded.rollback_triggers_json'),
        rollback_batch_percent: eb.ref('excluded.rollback_batch_percent'),
        version_check_json: eb.ref('excluded.version_check_json'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export async function getService(db: Kysely<Database>, name: string): Promise<Service | undefined> {
  const row = await db.selectFrom('services').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : serviceFromRow(row);
}

/** Ordered by name. */
export async function listServices(db: Kysely<Database>): Promise<Service[]> {
  const rows = await db.selectFrom('services').selectAll().orderBy('name').execute();
  return rows.map(serviceFromRow);
}

export async function setServiceVersions(db: Kysely<Database>, name: string, patch: ServiceVersionPatch): Promise<void> {
  await db
    .updateTable('services')
    .set({ desired_version: patch.desired_version, previous_version: patch.previous_version, updated_at: patch.updated_at })
    .where('name', '=', name)
    .execute();
}
