/**
 * `GET /api/v1/alerts` and `ferry alerts` against a real server on loopback over a real
 * SQLite store: filters, newest first, the contract's error body for a bad filter, and
 * the CLI's table, --json and exit 2 for a bad choice.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry } from '../../../testing/fake-terminal.js';
import { sampleAlert } from '../../../store/contract/alerts.contract.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { listeningApp } from '../../../testing/listening-app.js';

const ADMIN = 'alerts-test-admin';
const T = Date.UTC(2026, 0, 1);
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  fake = await openFakeServerContext({ now: () => T });
  await fake.store.insertAlert(sampleAlert({ id: 'al-1', started_at: T }));
  await fake.store.insertAlert(sampleAlert({ id: 'al-2', name: 'AgentSilent', severity: 'P1', cause_key: 'AgentSilent:api:h1', service: 'api', deploy_id: null, started_at: T + 1000 }));
  await fake.store.insertAlert(sampleAlert({ id: 'al-3', cause_key: 'DeploymentRolledBack:web:dep-0', started_at: T - 1000 }));
  await fake.store.resolveAlert('al-3', T);
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
});

afterAll(async () => {
  await app.close();
  await fake.close();
});

async function get(query: string) {
  const res = await fetch(`${url}/api/v1/alerts${query}`, { headers: { authorization: `Bearer ${ADMIN}` } });
  return { status: res.status, body: (await res.json()) as { alerts?: Array<Record<string, unknown>>; error?: { code: string; message: string } } };
}

describe('GET /api/v1/alerts', () => {
  it.each([
    ['', ['al-2', 'al-1', 'al-3']],
    ['?state=firing', ['al-2', 'al-1']],
    ['?state=resolved', ['al-3']],
    ['?service=web', ['al-1', 'al-3']],
    ['?severity=P1', ['al-2']],
    ['?state=firing&service=web&severity=P0', ['al-1']],
    ['?limit=1', ['al-2']],
  ])('%s → %j, newest first', async (query, ids) => {
    const { status, body } = await get(query);
    expect(status).toBe(200);
    expect(body.alerts!.map((a) => a.id)).toEqual(ids);
  });

  it('shows every contract field with ISO times', async () => {
    const { body } = await get('?state=resolved');
    expect(body.alerts![0]).toMatchObject({ ...sampleAlert({ id: 'al-3', cause_key: 'DeploymentRolledBack:web:dep-0' }), state: 'resolved', started_at: new Date(T - 1000).toISOString(), resolved_at: new Date(T).toISOString() });
  });

  it.each(['?state=open', '?severity=P3', '?service=Not_A_Name', '?limit=-1', '?color=red'])('%s → 400 with the error body', async (query) => {
    const { status, body } = await get(query);
    expect(status).toBe(400);
    expect(body.error).toEqual(expect.objectContaining({ code: expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }));
  });

  it('needs a token', async () => {
    expect((await fetch(`${url}/api/v1/alerts`)).status).toBe(401);
  });
});

describe('ferry alerts', () => {
  it('prints a table of the filtered alerts', async () => {
    const run = await runFerry(['alerts', '--state', 'firing', '--service', 'api', '--server', url, '--token', ADMIN]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+ALERT\s+STATE\s+SERVICE/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([['P1', 'AgentSilent', 'firing', 'api']]);
  });

  it('--json prints the API body', async () => {
    const run = await runFerry(['alerts', '--json', '--severity', 'P0', '--server', url, '--token', ADMIN]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { alerts: Array<{ id: string }> }).alerts.map((a) => a.id)).toEqual(['al-1', 'al-3']);
  });

  it('a bad choice exits 2 with one line', async () => {
    const run = await runFerry(['alerts', '--severity', 'P9', '--server', url, '--token', ADMIN]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')[0]).toMatch(/P9/);
  });
});
