/**
 * The service lock as a database fact: at most one active operation per service. The
 * API checks first and answers 409 `service_locked` naming the holder; this partial
 * unique index makes two racing requests (two server replicas on PostgreSQL) unable to
 * both win. The status list must match ACTIVE_OPERATION_STATUSES in core/types.ts.
 */
import { sql, type Kysely, type Migration } from 'kysely';

export const oneActiveOperationMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE UNIQUE INDEX operations_one_active_per_service ON operations (service)
      WHERE status IN ('pending', 'running', 'paused', 'verifying', 'rolling_back')`.execute(db);
  },
  async down(db: Kysely<any>) {
    await sql`DROP INDEX operations_one_active_per_service`.execute(db);
  },
};
