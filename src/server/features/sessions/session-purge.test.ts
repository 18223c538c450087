/** SessionPurge on a real SQLite store with a fake clock. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCanaryDefaults } from '../../../config/canary-defaults.js';
import { readTimers } from '../../../config/timers.js';
import { sampleSession } from '../../../store/contract/sample-entities.js';
import { openStore } from '../../../store/open-store.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { WakeSignal } from '../../wake-signal.js';
import { SessionPurge } from './session-purge.js';

const NOW = Date.UTC(2026, 0, 2);
const HOUR = 3_600_000;
let dir: string;
let store: Store;
let ctx: ServerContext;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-purge-'));
  store = await openStore({ dataDir: dir });
  ctx = { store, timers: readTimers({ FERRY_SESSION_RETENTION_S: String(24 * 3600) }), canary: readCanaryDefaults({}), wake: new WakeSignal(), now: () => NOW, log: pino({ level: 'silent' }) };
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

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
