/** Recorded replay requests' header values are masked below admin, as env values are. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import { sampleService } from '../../../testing/sample-entities.js';
import { describeService, describeServices } from './service-presenter.js';

let fake: FakeServerContext;
beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => Date.UTC(2026, 0, 1) });
  await fake.store.putService(sampleService({ name: 'web', replay: { requests: [{ method: 'GET', path: '/a', headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc' } }, { method: 'GET', path: '/b' }] } }));
});
afterEach(async () => {
  await fake.close();
});

describe('replay requests in a service description', () => {
  it('masks every header value below admin, keeping the names', async () => {
    const seen = await describeService(fake.ctx, 'web', { secrets: false });
    expect(seen.replay?.requests).toEqual([
      { method: 'GET', path: '/a', headers: { authorization: '***', cookie: '***' } },
      { method: 'GET', path: '/b' },
    ]);
    expect(JSON.stringify(await describeServices(fake.ctx))).not.toContain('s3cret');
  });

  it('shows them to an admin', async () => {
    expect((await describeService(fake.ctx, 'web', { secrets: true })).replay?.requests).toEqual([
      { method: 'GET', path: '/a', headers: { authorization: 'Bearer s3cret', cookie: 'sid=abc' } },
      { method: 'GET', path: '/b' },
    ]);
  });
});
