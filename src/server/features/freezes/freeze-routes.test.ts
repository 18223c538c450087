/**
 * `/api/v1/freezes` on a real SQLite store with a fake clock: create, list, read and
 * remove, each audited; refusals with the core's reason codes and nothing stored.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { buildApp } from '../../http/build-app.js';

const TOKEN = 'freeze-admin';
const T = Date.parse('2026-06-06T12:00:00Z'); // a Saturday
let now: number;
let fake: FakeServerContext;
let store: Store;
let app: FastifyInstance;

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const response = await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}`, 'x-ferry-actor': 'alice' }, ...(body !== undefined ? { payload: body as object } : {}) });
  return { status: response.statusCode, body: response.json() };
}

const weekend = { service: 'web', starts_at: '2026-01-01T00:00:00Z', ends_at: '2027-01-01T00:00:00Z', reason: 'no weekend deploys', recurrence: { weekly: [{ day: 'Fri', from: '16:00', to: 'mon 08:00' }], time_zone: 'Europe/Berlin' } };
const global = { starts_at: '2026-12-24T00:00:00Z', ends_at: '2026-12-27T00:00:00Z', reason: 'holidays' };

beforeEach(async () => {
  now = T;
  fake = await openFakeServerContext({ now: () => now });
  store = fake.store;
  app = await buildApp(fake.ctx, { admin: TOKEN, agent: null });
  for (const name of ['web', 'api']) await call('PUT', `/api/v1/services/${name}`, { start: 'node server.js', instances: [{ host: 'h1', port: name === 'web' ? 7001 : 7002 }] });
});
afterEach(async () => {
  await app.close();
  await fake.close();
});

describe('POST /api/v1/freezes', () => {
  it('stores the window, answers whether it covers now and until when, and audits freeze_created', async () => {
    const res = await call('POST', '/api/v1/freezes', weekend);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      freeze_id: expect.stringMatching(/^frz_[0-9a-f]{16}$/),
      service: 'web',
      starts_at: '2026-01-01T00:00:00.000Z',
      ends_at: '2027-01-01T00:00:00.000Z',
      reason: 'no weekend deploys',
      recurrence: { weekly: [{ day: 'fri', from: '16:00', to: 'mon 08:00' }], time_zone: 'Europe/Berlin' },
      created_at: new Date(T).toISOString(),
      created_by: 'admin:alice',
      active_now: true,
      current_ends_at: '2026-06-08T06:00:00.000Z',
      removed_at: null,
      removed_by: null,
      error: null,
    });
    const [event] = await store.listAudit({ type: 'freeze_created' });
    expect(event).toMatchObject({ service: 'web', actor: 'admin:alice', details: { freeze_id: res.body.freeze_id, reason: 'no weekend deploys', starts_at: '2026-01-01T00:00:00.000Z' } });
  });

  it('takes a global window without a service, and a recurrence without a zone as UTC', async () => {
    const res = await call('POST', '/api/v1/freezes', { ...global, recurrence: { weekly: [{ day: 'sat', from: '22:00', to: 'mon 06:00' }] } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ service: null, recurrence: { time_zone: 'UTC' }, active_now: false, current_ends_at: null });
  });

  it.each([
    ['ends before it starts', { ...global, ends_at: '2026-12-23T00:00:00Z' }, 'bad_freeze_window'],
    ['a time that is not ISO', { ...global, starts_at: 'tomorrow' }, 'bad_freeze_window'],
    ['an impossible day', { ...weekend, recurrence: { weekly: [{ day: 'fry', from: '16:00', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['an impossible time', { ...weekend, recurrence: { weekly: [{ day: 'fri', from: '25:00', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['an impossible minute', { ...weekend, recurrence: { weekly: [{ day: 'fri', from: '16:60', to: 'mon 08:00' }] } }, 'bad_recurrence'],
    ['an unknown zone', { ...weekend, recurrence: { ...weekend.recurrence, time_zone: 'Europe/Atlantis' } }, 'bad_time_zone'],
    ['an empty reason', { ...global, reason: '  ' }, 'reason_required'],
    ['a bad service name', { ...global, service: 'Not_A_Name' }, 'invalid_service_name'],
    ['an unknown field', { ...global, colour: 'blue' }, 'invalid_request'],
  ])('%s → 400, nothing stored, nothing audited', async (_name, body, code) => {
    const res = await call('POST', '/api/v1/freezes', body);
    expect([res.status, res.body.error.code]).toEqual([400, code]);
    expect(res.body.error.message).toEqual(expect.any(String));
    expect(await store.listFreezes()).toEqual([]);
    expect(await store.listAudit({ type: 'freeze_created' })).toEqual([]);
  });

  it('an unknown service → 404 service_not_found, nothing stored', async () => {
    const res = await call('POST', '/api/v1/freezes', { ...global, service: 'nope' });
    expect([res.status, res.body.error.code]).toEqual([404, 'service_not_found']);
    expect(await store.listFreezes()).toEqual([]);
  });
});

describe('GET and DELETE /api/v1/freezes', () => {
  it('lists live windows; ?service= the ones that apply to it, global ones included', async () => {
    const own = (await call('POST', '/api/v1/freezes', weekend)).body;
    now += 1; // oldest first: created_at orders them
    const all = (await call('POST', '/api/v1/freezes', global)).body;
    const ids = async (query: string) => (await call('GET', `/api/v1/freezes${query}`)).body.freezes.map((f: { freeze_id: string }) => f.freeze_id);
    expect(await ids('')).toEqual([own.freeze_id, all.freeze_id]);
    expect(await ids('?service=web')).toEqual([own.freeze_id, all.freeze_id]);
    expect(await ids('?service=api')).toEqual([all.freeze_id]);
    expect((await call('GET', '/api/v1/freezes?service=nope')).body.error.code).toBe('service_not_found');
  });

  it('active_now follows the clock', async () => {
    const { freeze_id } = (await call('POST', '/api/v1/freezes', weekend)).body;
    now = Date.parse('2026-06-08T06:00:00Z');
    expect((await call('GET', `/api/v1/freezes/${freeze_id}`)).body).toMatchObject({ active_now: false, current_ends_at: null });
  });

  it('removes a window: audited, then 404 freeze_not_found and out of the list', async () => {
    const { freeze_id } = (await call('POST', '/api/v1/freezes', weekend)).body;
    const removed = await call('DELETE', `/api/v1/freezes/${freeze_id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ freeze_id, removed_by: 'admin:alice', active_now: false });
    expect(await store.listAudit({ type: 'freeze_removed' })).toEqual([expect.objectContaining({ service: 'web', actor: 'admin:alice', details: expect.objectContaining({ freeze_id }) })]);
    for (const [method, status] of [['GET', 404], ['DELETE', 404]] as const) {
      const res = await call(method, `/api/v1/freezes/${freeze_id}`);
      expect([res.status, res.body.error.code]).toEqual([status, 'freeze_not_found']);
    }
    expect((await call('GET', '/api/v1/freezes')).body.freezes).toEqual([]);
    expect(await store.listAudit({ type: 'freeze_removed' })).toHaveLength(1);
  });
});
