/**
 * The service spec's alerting fields through PUT /api/v1/services/{s} on a real SQLite
 * store: `oncall` and `runbooks` are stored, shown and planned; a runbook for an alert
 * that does not exist, a URL that is not http(s), an over-long one and a control
 * character in `oncall` are refused with 400 and write nothing.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'admin-secret';
let fake: FakeServerContext;
let app: FastifyInstance;

async function put(extra: Record<string, unknown>, query = '') {
  const response = await app.inject({ method: 'PUT', url: `/api/v1/services/web${query}`, headers: { authorization: `Bearer ${TOKEN}` }, payload: { start: 'node server.js', instances: [], ...extra } });
  return { status: response.statusCode, body: response.json() };
}

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('oncall and runbooks in the service spec', () => {
  it('stores and shows them; the plan names them when they change', async () => {
    const first = await put({ oncall: 'team-web', runbooks: { DeploymentRolledBack: 'https://wiki.test/web/rolled-back' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ oncall: 'team-web', runbooks: { DeploymentRolledBack: 'https://wiki.test/web/rolled-back' } });
    expect(await fake.store.getService('web')).toMatchObject({ oncall: 'team-web', runbooks: { DeploymentRolledBack: 'https://wiki.test/web/rolled-back' } });
    const dry = await put({ oncall: 'team-other' }, '?dry_run=true');
    expect(dry.body.plan.settings).toEqual(
      expect.arrayContaining([
        { field: 'oncall', before: 'team-web', after: 'team-other' },
        { field: 'runbooks', before: { DeploymentRolledBack: 'https://wiki.test/web/rolled-back' }, after: {} },
      ]),
    );
  });

  it('defaults to no oncall and no runbooks', async () => {
    expect((await put({})).body).toMatchObject({ oncall: null, runbooks: {} });
  });

  it.each([
    ['an alert name that does not exist', { runbooks: { DeploymentExploded: 'https://wiki.test/x' } }],
    ['a runbook URL that is not http(s)', { runbooks: { DeploymentFailed: 'javascript:alert(1)' } }],
    ['a runbook URL with a space', { runbooks: { DeploymentFailed: 'https://wiki.test/a b' } }],
    ['an over-long runbook URL', { runbooks: { DeploymentFailed: `https://wiki.test/${'a'.repeat(2100)}` } }],
    ['a control character in oncall', { oncall: 'team\nweb' }],
    ['an empty oncall', { oncall: '' }],
  ])('refuses %s with 400 and writes nothing', async (_what, extra) => {
    const { status, body } = await put(extra);
    expect(status).toBe(400);
    expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
    expect(await fake.store.getService('web')).toBeUndefined();
  });
});
