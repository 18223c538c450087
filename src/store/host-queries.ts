/** Hosts: one row per agent, replaced by every registration or heartbeat. */
import type { Kysely } from 'kysely';
import type { Host } from '../core/types.js';
import type { Database } from './database-schema.js';

export async function upsertHost(db: Kysely<Database>, host: Host): Promise<void> {
  await db
    .insertInto('hosts')
    .values(host)
    .onConflict((oc) =>
      oc.column('host').doUpdateSet((eb) => ({
        address: eb.ref('excluded.address'),
        agent_version: eb.ref('excluded.agent_version'),
        last_heartbeat_at: eb.ref('excluded.last_heartbeat_at'),
      })),
    )
    .execute();
}

export async function getHost(db: Kysely<Database>, host: string): Promise<Host | undefined> {
  return db.selectFrom('hosts').selectAll().where('host', '=', host).executeTakeFirst();
}

/** Ordered by host id. */
export async function listHosts(db: Kysely<Database>): Promise<Host[]> {
  return db.selectFrom('hosts').selectAll().orderBy('host').execute();
}
