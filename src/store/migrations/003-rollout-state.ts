/**
 * Rollout engine state (canary step, pauses, progress deadline, abort) lives with the
 * operation, and each target records when it turned healthy, so a restarted server
 * resumes a rollout at the same step, pause and health gate. Hosts record the releases
 * their agent keeps, so a rollback can tell before it starts whether it needs a download.
 */
import type { Kysely, Migration } from 'kysely';

export const rolloutStateMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('operations').addColumn('rollout_json', 'text').execute();
    await db.schema.alterTable('operation_targets').addColumn('healthy_at', 'bigint').execute();
    await db.schema.alterTable('hosts').addColumn('kept_releases_json', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('hosts').dropColumn('kept_releases_json').execute();
    await db.schema.alterTable('operation_targets').dropColumn('healthy_at').execute();
    await db.schema.alterTable('operations').dropColumn('rollout_json').execute();
  },
};
