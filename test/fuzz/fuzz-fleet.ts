/**
 * The fleet the fuzzer runs against, arranged through the API itself so its rows are
 * real: `web` (two ready instances, a canary deployment paused for promotion, an open
 * session), `batch` (a rollback under way), and `api` and `edge` (ready and unlocked, so
 * fuzzed operations can start). Its names are handed to the generators, so path
 * parameters and body fields sometimes name real things.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { openFakeServerContext } from '../../src/testing/fake-server-context.js';
import { buildApp } from '../../src/server/http/build-app.js';
import { SQLITE_FILE_NAME } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { Known } from './request-arbitraries.js';
import { StoreWriteProbe } from './store-writes.js';

export const ADMIN_TOKEN = 'fuzz-admin-token';
export const AGENT_TOKEN = 'fuzz-agent-token';

const SHA = 'a'.repeat(64);

async function call(app: FastifyInstance, method: 'POST' | 'PUT', url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: body as object });
  if (response.statusCode >= 300) throw new Error(`seeding ${method} ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

function heartbeat(instances: Array<[id: string, service: string, version: string]>, kept: Record<string, string[]>) {
  return {
    address: '127.0.0.1',
    agent_version: 'fuzz',
    instances: instances.map(([instance_id, service, version]) => ({ instance_id, service, status: 'ready', version, pid: 1, achieved_generation: 0, outcome: null })),
    kept_releases: kept,
  };
}

/** Seeds the fleet and returns the real names and ids in it, plus other plausible values. */
export async function seedFleet(app: FastifyInstance, store: Store, now: number): Promise<Known> {
  const releases: Array<[string, string]> = [['web', '1.0.0'], ['web', '1.1.0'], ['api', '2.0.0'], ['api', '2.1.0'], ['edge', '2.0.0'], ['edge', '2.1.0'], ['batch', '3.0.0'], ['batch', '3.1.0']];
  for (const [service, version] of releases) {
    await call(app, 'POST', '/api/v1/releases', { service, version, sha256: SHA, package_url: `file:///nonexistent/fuzz/${service}-${version}.tar.gz` });
  }
  await call(app, 'PUT', '/api/v1/services/web', { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }, { host: 'h1', port: 7002 }] });
  await call(app, 'PUT', '/api/v1/services/api', { start: 'node server.js', instances: [{ host: 'h2', port: 8001 }] });
  await call(app, 'PUT', '/api/v1/services/edge', { start: 'node server.js', instances: [{ host: 'h2', port: 8101 }, { host: 'h2', port: 8102 }, { host: 'h2', port: 8103 }] });
  await call(app, 'PUT', '/api/v1/services/batch', { start: 'node server.js', instances: [{ host: 'h1', port: 7101 }] });
  await call(app, 'POST', '/api/v1/agents/h1/heartbeat', heartbeat([['web-h1-7001', 'web', '1.0.0'], ['web-h1-7002', 'web', '1.0.0'], ['batch-h1-7101', 'batch', '3.1.0']], { web: ['1.0.0'], batch: ['3.0.0', '3.1.0'] }));
  await call(app, 'POST', '/api/v1/agents/h2/heartbeat', heartbeat([['api-h2-8001', 'api', '2.0.0'], ['edge-h2-8101', 'edge', '2.0.0'], ['edge-h2-8102', 'edge', '2.0.0'], ['edge-h2-8103', 'edge', '2.1.0']], { api: ['2.0.0'], edge: ['2.0.0', '2.1.0'] }));
  await store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: null, updated_at: now });
  await store.setServiceVersions('api', { desired_version: '2.0.0', previous_version: null, updated_at: now });
  await store.setServiceVersions('edge', { desired_version: '2.1.0', previous_version: '2.0.0', updated_at: now });
  await store.setServiceVersions('batch', { desired_version: '3.1.0', previous_version: '3.0.0', updated_at: now });
  const session = await call(app, 'POST', '/api/v1/sessions', { service: 'web', tenant_id: 'tenant-1' });
  await call(app, 'POST', '/api/v1/deployments', { service: 'web', version: '1.1.0', deploy_id: 'dep-seed', strategy: { type: 'canary', steps: [{ instances: 1, pause: 'until_promoted' }] } });
  const rollback = await call(app, 'POST', '/api/v1/rollbacks/batch', { service: 'batch', target_version: '3.0.0' });
  const services = ['web', 'api', 'edge', 'batch', 'nope'];
  const versions = ['1.0.0', '1.1.0', '2.0.0', '2.1.0', '3.0.0', '3.1.0', '9.9.9'];
  const instances = ['web-h1-7001', 'web-h1-7002', 'api-h2-8001', 'edge-h2-8101', 'edge-h2-8103', 'batch-h1-7101', 'web-h1-9999'];
  const operations = ['dep-seed', String(rollback.rollback_id), 'dep-nope'];
  const byField: Record<string, string[]> = {
    service: services,
    version: versions,
    target_version: versions,
    to_version: versions,
    instance_id: instances,
    instances,
    host: ['h1', 'h2', 'h9'],
    id: [...operations, ...instances],
    deploy_id: operations,
    session_id: [String(session.session_id), 'ses-nope'],
    tenant_id: ['tenant-1', 'tenant-2'],
    sha256: [SHA, 'b'.repeat(64)],
    package_url: ['file:///nonexistent/fuzz/x.tar.gz', 'http://127.0.0.1:9/x.tar.gz'],
    mode: ['restart', 'rollout'],
    type: ['release_registered', 'deploy_started', 'rollback'],
    since: ['2026-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    at: ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.005Z'],
    limit: ['1', '10', '0', '99999'],
    start: ['node server.js'],
    address: ['127.0.0.1', '10.0.0.1'],
    status: ['ready', 'crashed', 'stopped'],
  };
  const all = [...new Set([...Object.values(byField).flat(), 'GET', '/healthz', '/version', 'abc123', 'A'.repeat(64)])];
  return { all, byField };
}

export interface FuzzFleet {
  app: FastifyInstance;
  known: Known;
  /** Sees every commit to the fleet's store. */
  probe: StoreWriteProbe;
  close(): Promise<void>;
}

/**
 * A fresh app on a fresh SQLite store with the fleet seeded. The clock moves a
 * millisecond per reading, so deadlines (the assignments long poll) pass.
 */
export async function openFuzzFleet(): Promise<FuzzFleet> {
  let clock = Date.UTC(2026, 0, 1);
  const fake = await openFakeServerContext({ now: () => (clock += 1), env: { FERRY_LONG_POLL_S: '0.001' } });
  const app = await buildApp(fake.ctx, { admin: ADMIN_TOKEN, agent: AGENT_TOKEN });
  const known = await seedFleet(app, fake.store, clock);
  const probe = new StoreWriteProbe(join(fake.dataDir, SQLITE_FILE_NAME));
  return {
    app,
    known,
    probe,
    async close() {
      probe.close();
      await app.close();
      await fake.close();
    },
  };
}
