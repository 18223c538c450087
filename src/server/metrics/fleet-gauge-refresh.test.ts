/**
 * loadFleetGauges on real stores (SQLite always, PostgreSQL when FERRY_TEST_DATABASE_URL
 * is set): what it reads from the store becomes the gauges, an active operation's targets
 * count, and ten thousand finished operations change nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPostgresStore, openStore } from '../../store/open-store.js';
import { sampleHost, sampleInstance, sampleObservation, sampleOperation, sampleRelease, sampleService, sampleTarget } from '../../testing/sample-entities.js';
import type { Store } from '../../store/store.js';
import { loadFleetGauges } from './fleet-gauge-refresh.js';

const postgresUrl = process.env.FERRY_TEST_DATABASE_URL ?? '';
const NOW = 1_700_000_010_000;

async function withSqlite(fn: (store: Store) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-gauges-'));
  const store = await openStore({ dataDir: dir });
  try {
    await fn(store);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function withPostgres(fn: (store: Store) => Promise<void>): Promise<void> {
  const schema = `ferry_gauges_${process.pid}_${randomBytes(4).toString('hex')}`;
  const store = await openPostgresStore(postgresUrl, { schema });
  try {
    await fn(store);
  } finally {
    await store.close();
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
  }
}

/** web: 3 instances on host-a (two ready on 2.0.0, one being deployed by an active operation), one removed. */
async function arrange(store: Store): Promise<void> {
  await store.putService(sampleService());
  await store.setServiceVersions('web', { desired_version: '2.0.0', previous_version: '1.0.0', updated_at: NOW });
  for (const version of ['1.0.0', '2.0.0']) await store.insertRelease(sampleRelease({ version }));
  await store.upsertHost(sampleHost({ last_heartbeat_at: NOW - 2000 }));
  for (const [n, version] of [[1, '2.0.0'], [2, '2.0.0'], [3, '1.0.0'], [4, '2.0.0']] as const) {
    const instance_id = `web-host-a-${8080 + n}`;
    await store.insertInstance(sampleInstance({ instance_id, port: 8080 + n, goal: { version: '2.0.0', generation: 3, action: 'run', timeout_s: 5 } }));
    await store.recordObservation(instance_id, sampleObservation({ version, at: NOW - 1000 }));
  }
  await store.markInstanceRemoved('web-host-a-8084', NOW - 500);
  await store.insertOperation(sampleOperation({ id: 'dep-active', status: 'running', completed_at: null }), [sampleTarget({ operation_id: 'dep-active', instance_id: 'web-host-a-8083', status: 'deploying' })]);
}

function checks(open: (fn: (store: Store) => Promise<void>) => Promise<void>) {
  it('turns the fleet as stored into gauges: versions, drift (none while in flight), desired version, ratio, heartbeats', async () => {
    await open(async (store) => {
      await arrange(store);
      const gauges = await loadFleetGauges(store, 5, NOW);
      expect(gauges.instances).toEqual(
        expect.arrayContaining([
          { service: 'web', version: '2.0.0', status: 'ready', count: 2 },
          { service: 'web', version: '1.0.0', status: 'ready', count: 1 },
        ]),
      );
      expect(gauges.instances).toHaveLength(2);
      expect(gauges.drifted).toEqual([{ service: 'web', count: 0 }]);
      expect(gauges.desiredVersions).toEqual([{ service: 'web', version: '2.0.0' }]);
      expect(gauges.consistency).toEqual([{ service: 'web', ratio: 2 / 3 }]);
      expect(gauges.heartbeats).toEqual([{ host: 'host-a', last_heartbeat_at: NOW - 2000 }]);
    });
  });

  it('gives the same gauges with 2,000 finished operations in the store', async () => {
    await open(async (store) => {
      await arrange(store);
      const before = await loadFleetGauges(store, 5, NOW);
      await store.transaction(async (tx) => {
        for (let n = 0; n < 2000; n++) await tx.insertOperation(sampleOperation({ id: `dep-old-${n}`, status: 'succeeded', created_at: NOW - 100_000 + n }), []);
      });
      expect(await loadFleetGauges(store, 5, NOW)).toEqual(before);
    });
  }, 60_000);
}

describe('loadFleetGauges on SQLite', () => checks(withSqlite));
describe.skipIf(postgresUrl === '')(postgresUrl === '' ? 'loadFleetGauges on PostgreSQL (skipped: FERRY_TEST_DATABASE_URL is not set)' : 'loadFleetGauges on PostgreSQL', () => checks(withPostgres));
