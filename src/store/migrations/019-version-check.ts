/**
 * Any service (CONTRACT §2 `version_check`): services gain how their agents prove the
 * running version (JSON, null = `http` on `version_path`); instances gain the proof of
 * their latest observation (JSON VersionProof: how the version was proven, or why the
 * code on the port is not the code Ferry started).
 */
import type { Kysely, Migration } from 'kysely';

export const versionCheckMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('services').addColumn('version_check_json', 'text').execute();
    await db.schema.alterTable('instances').addColumn('observed_proof_json', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('instances').dropColumn('observed_proof_json').execute();
    await db.schema.alterTable('services').dropColumn('version_check_json').execute();
  },
};
