/** OpenSessionCounts on a real SQLite store: re-read when stale, followed in between. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../core/types.js';
import { openStore } from '../../../store/open-store.js';
import type { Store } from '../../../store/store.js';
import { OpenSessionCounts } from './open-session-counts.js';

const T0 = 1_700_000_000_000;
let dir: string;
let store: Store;

function session(session_id: string, instance_id: string): Session {
  return { session_id, service: 'web', tenant_id: null, instance_id, host: 'h', address: 'a', port: 1, runtime_version: 'v1', created_at: T0, expires_at: T0 + 60_000, ended_at: null };
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ferry-counts-'));
  store = await openStore({ dataDir: dir });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenSessionCounts', () => {
  it('follows this server\'s placements and ends between reads, and re-reads the store once stale', async () => {
    await store.insertSessions([session('1', 'x'), session('2', 'x')]);
    const counts = new OpenSessionCounts(1000);
    expect(await counts.read(store, 'web', T0)).toEqual(new Map([['x', 2]]));
    counts.placed('web', 'y');
    counts.ended('web', 'x');
    // Another writer's session is not seen until the counts go stale.
    await store.insertSessions([session('3', 'z')]);
    expect(await counts.read(store, 'web', T0 + 999)).toEqual(new Map([['x', 1], ['y', 1]]));
    expect(await counts.read(store, 'web', T0 + 1000)).toEqual(new Map([['x', 2], ['z', 1]]));
  });

  it('hands out copies, so a batch may count its own placements without touching the cache', async () => {
    const counts = new OpenSessionCounts(1000);
    const copy = await counts.read(store, 'web', T0);
    copy.set('x', 5);
    expect(await counts.read(store, 'web', T0)).toEqual(new Map());
  });
});
