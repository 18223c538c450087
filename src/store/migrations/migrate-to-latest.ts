/**
 * Applies the store's versioned migrations at open. The list is static (no directory scan),
 * so a bundled or compiled build carries its migrations with it. Kysely's Migrator records
 * applied names in `kysely_migration` and takes a lock (an advisory lock on PostgreSQL), so
 * several server replicas opening at once apply each migration exactly once.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import type { SqlEngine } from '../sql-engine.js';
import { initialMigration } from './001-initial.js';
import { oneActiveOperationMigration } from './002-one-active-operation.js';
import { rolloutStateMigration } from './003-rollout-state.js';
import { sessionsMigration } from './004-sessions.js';
import { driftMigration } from './005-drift.js';
import { sessionExpiryIndexMigration } from './006-session-expiry-index.js';
import { apiTokensMigration } from './007-api-tokens.js';
import { goalOperationMigration } from './008-goal-operation.js';
import { alertsMigration } from './009-alerts.js';
import { traceContextMigration } from './010-trace-context.js';
import { instancesByHostIndexMigration } from './011-instances-by-host-index.js';
import { releaseGatesMigration } from './012-release-gates.js';
import { freezesMigration } from './014-freezes.js';
import { channelsMigration } from './015-channels.js';
import { readinessEvaluationsMigration } from './013-readiness-evaluations.js';
import { replaysMigration } from './016-replays.js';
import { trafficMigration } from './017-traffic.js';
import { analysisMigration } from './018-analysis.js';
import { versionCheckMigration } from './019-version-check.js';

/** Every migration by name; names sort in the order they must run. */
function storeMigrations(engine: SqlEngine): Record<string, Migration> {
  return {
    '001-initial': initialMigration(engine),
    '002-one-active-operation': oneActiveOperationMigration,
    '003-rollout-state': rolloutStateMigration,
    '004-sessions': sessionsMigration,
    '005-drift': driftMigration,
    '006-session-expiry-index': sessionExpiryIndexMigration,
    '007-api-tokens': apiTokensMigration,
    '008-goal-operation': goalOperationMigration,
    '009-alerts': alertsMigration,
    '010-trace-context': traceContextMigration,
    '011-instances-by-host-index': instancesByHostIndexMigration,
    '012-release-gates': releaseGatesMigration(engine),
    '014-freezes': freezesMigration,
    '015-channels': channelsMigration(engine),
    '013-readiness-evaluations': readinessEvaluationsMigration,
    '016-replays': replaysMigration,
    '017-traffic': trafficMigration,
    '018-analysis': analysisMigration(engine),
    '019-version-check': versionCheckMigration,
  };
}

class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly engine: SqlEngine) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return storeMigrations(this.engine);
  }
}

/**
 * Brings the database to the newest schema; a no-op when it is already there.
 * `schema` (PostgreSQL) names where the migration bookkeeping tables live: it must be the
 * schema the store's tables go to, or kysely may mistake another schema's bookkeeping for ours.
 */
export async function migrateToLatest(db: Kysely<any>, engine: SqlEngine, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(engine),
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`store migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
