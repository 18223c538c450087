/** Hosts: one row per agent, replaced by every registration or heartbeat. */
import type { Kysely, Selectable } from 'kysely';
import type { Host } from '../core/types.js';
import { fromJsonOrNull } from './column-codecs.js';
import type { Database, HostTable } from './database-schema.js';

export async function upsertHost(db: Kysely<Database>, host: Host): Promise<void> {
  const { kept_releases, ...columns } = host;
  await db
    .insertInto('hosts')
    .values({ ...columns, kept_releases_json: JSON.stringify(kept_releases) })
    .onConflict((oc) =>
      oc.column('host').doUpdateSet((eb) => ({
        address: eb.ref('excluded.address'),
        agent_version: eb.ref('excluded.agent_version'),
        last_heartbeat_at: eb.ref('excluded.last_heartbeat_at'),
        kept_releases_json: eb.ref('excluded.kept_releases_json'),
      })),
    )
    .execute();
}

export async function getHost(db: Kysely<Database>, host: string): Promise<Host | undefined> {
  const row = await db.selectFrom('hosts').selectAll().where('host', '=', host).executeTakeFirst();
  return row === undefined ? undefined : hostFromRow(row);
}

/** Ordered by host id. */
export async function listHosts(db: Kysely<Database>): Promise<Host[]> {
  return (await db.selectFrom('hosts').selectAll().orderBy('host').execute()).map(hostFromRow);
}

function hostFromRow(row: Selectable<HostTable>): Host {
  const { kept_releases_json, ...host } = row;
  return { ...host, kept_releases: fromJsonOrNull<Record<string, string[]>>(kept_releases_json) ?? {} };
}
