/**
 * Migration 001: every table of the first store schema. Column types are chosen to mean
 * the same on SQLite and PostgreSQL: `bigint` epoch-ms timestamps, `integer` 0/1 booleans,
 * `text` JSON, `double precision` for durations in seconds (tests use fractions of a second).
 * A migration, once released, is never edited; later changes go in a new numbered file.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type SqlEngine } from '../sql-engine.js';

/** Builds migration 001 for `engine`; only the autoincrement id columns differ. */
export function initialMigration(engine: SqlEngine): Migration {
  const id = autoIncrementId(engine);
  return {
    // Migrations see the database untyped: they must not depend on today's schema types.
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('releases')
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('package_url', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('git_sha', 'text')
        .addColumn('build_time', 'text')
        .addColumn('registered_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('releases_pk', ['service', 'version'])
        .execute();
      await db.schema.createIndex('releases_by_registration').on('releases').columns(['service', 'registered_at']).execute();

      await db.schema
        .createTable('services')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('start', 'text', (c) => c.notNull())
        .addColumn('health_path', 'text', (c) => c.notNull())
        .addColumn('version_path', 'text', (c) => c.notNull())
        .addColumn('env_json', 'text', (c) => c.notNull())
        .addColumn('verify_json', 'text', (c) => c.notNull())
        .addColumn('strategy_json', 'text')
        .addColumn('drift_policy', 'text', (c) => c.notNull())
        .addColumn('keep_releases', 'integer', (c) => c.notNull())
        .addColumn('drain_s', 'double precision', (c) => c.notNull())
        .addColumn('desired_version', 'text')
        .addColumn('previous_version', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('instances')
        .addColumn('instance_id', 'text', (c) => c.primaryKey())
        .addColumn('service', 'text', (c) => c.notNull().references('services.name'))
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('port', 'integer', (c) => c.notNull())
        .addColumn('pinned_version', 'text')
        .addColumn('goal_version', 'text')
        .addColumn('goal_generation', 'bigint', (c) => c.notNull())
        .addColumn('goal_action', 'text', (c) => c.notNull())
        .addColumn('goal_timeout_s', 'double precision', (c) => c.notNull())
        .addColumn('observed_status', 'text')
        .addColumn('observed_version', 'text')
        .addColumn('observed_pid', 'integer')
        .addColumn('achieved_generation', 'bigint')
        .addColumn('outcome_json', 'text')
        .addColumn('observed_at', 'bigint')
        .addColumn('removed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('instances_host_port_unique', ['host', 'port'])
        .execute();
      await db.schema.createIndex('instances_by_service').on('instances').column('service').execute();

      await db.schema
        .createTable('hosts')
        .addColumn('host', 'text', (c) => c.primaryKey())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('agent_version', 'text')
        .addColumn('last_heartbeat_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('operations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('service', 'text', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('whole_service', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason_json', 'text')
        .addColumn('strategy_json', 'text', (c) => c.notNull())
        .addColumn('timeout_s', 'double precision', (c) => c.notNull())
        .addColumn('retry_count', 'integer', (c) => c.notNull())
        .addColumn('auto_rollback', 'integer', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .execute();
      await db.schema.createIndex('operations_by_service').on('operations').columns(['service', 'created_at']).execute();
      await db.schema.createIndex('operations_by_status').on('operations').column('status').execute();

      await db.schema
        .createTable('operation_targets')
        .addColumn('operation_id', 'text', (c) => c.notNull().references('operations.id'))
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('from_version', 'text')
        .addColumn('to_version', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('generation', 'bigint')
        .addColumn('changed', 'integer', (c) => c.notNull())
        .addColumn('started_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('reason_json', 'text')
        .addPrimaryKeyConstraint('operation_targets_pk', ['operation_id', 'instance_id'])
        .execute();

      // No foreign key to instances: history outlives a deleted instance.
      await db.schema
        .createTable('instance_versions')
        .addColumn('id', id.type, id.build)
        .addColumn('instance_id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('from_at', 'bigint', (c) => c.notNull())
        .addColumn('to_at', 'bigint')
        .execute();
      await db.schema.createIndex('instance_versions_by_instance').on('instance_versions').columns(['instance_id', 'from_at']).execute();
      // At most one open interval per instance, whatever a racing writer does.
      await db.schema
        .createIndex('instance_versions_one_open')
        .on('instance_versions')
        .column('instance_id')
        .unique()
        .where(sql.ref('to_at'), 'is', null)
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', id.type, id.build)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('service', 'text')
        .addColumn('version', 'text')
        .addColumn('instance_id', 'text')
        .addColumn('deploy_id', 'text')
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('correlation_id', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_events_by_service').on('audit_events').column('service').execute();
      await db.schema.createIndex('audit_events_by_deploy').on('audit_events').column('deploy_id').execute();
      await db.schema.createIndex('audit_events_by_at').on('audit_events').column('at').execute();
    },
  };
}
