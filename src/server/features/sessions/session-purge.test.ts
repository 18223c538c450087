/** SessionPurge on a real SQLite store with a fake clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleSession } from '../../../testing/sample-entities.js';
import type { Store } from '../../../store/store.js';
import { openFakeServerContext, type FakeServerContext } from '../../../testing/fake-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { SessionPurge } from './session-purge.js';

const NOW = Date.UTC(2026, 0, 2);
const HOUR = 3_600_000;
let fake: FakeServerContext;
let store: Store;
let ctx: ServerContext;

beforeEach(async () => {
  fake = await openFakeServerContext({ now: () => NOW, env: { FERRY_SESSION_RETENTION_S: String(24 * 3600) } });
  ({ store, ctx } = fake);
});

afterEach(() => fake.close());

describe('SessionPurge', () => {
  it('deletes only sessions that expired longer ago than the retention, in as many batches as it takes', async () => {
    const longGone = Array.from({ length: 5 }, (_, i) => sampleSession({ session_id: `gone-${i}`, expires_at: NOW - 25 * HOUR - i }));
    await store.insertSessions([
      ...longGone,
      sampleSession({ session_id: 'expired-recently', expires_at: NOW - 23 * HOUR }),
      sampleSession({ session_id: 'ended-but-not-expired', expires_at: NOW + HOUR, ended_at: NOW - 30 * HOUR }),
      sampleSession({ session_id: 'open', expires_at: NOW + HOUR }),
    ]);

    expect(await new SessionPurge(ctx, 2).purgeOnce()).toBe(5);

    for (const s of longGone) expect(await store.getSession(s.session_id)).toBeUndefined();
    for (const id of ['expired-recently', 'ended-but-not-expired', 'open']) expect((await store.getSession(id))?.session_id).toBe(id);
    expect(await new SessionPurge(ctx, 2).purgeOnce()).toBe(0);
  });
});
