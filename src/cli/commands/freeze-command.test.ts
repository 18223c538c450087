/**
 * `ferry freeze add|list|remove` and `ferry deploy --override-freeze` against a real server
 * on loopback over a real SQLite store with a fake clock: the table, --json, exit 2 for a
 * bad flag before any request, exit 4 for a frozen deployment.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFakeServerContext, type FakeServerContext } from '../../testing/fake-server-context.js';
import { runFerry } from '../../testing/fake-terminal.js';
import { weeklySpan } from '../freeze-flags.js';
import { listeningApp } from '../../testing/listening-app.js';

const ADMIN = 'freeze-cli-admin';
const T = Date.parse('2026-12-24T10:00:00Z');
/** Moves a millisecond per creation, so "oldest first" is the order the test made them in. */
let now = T;
let fake: FakeServerContext;
let app: FastifyInstance;
let url: string;

const ferry = (...args: string[]) => runFerry([...args, '--server', url, '--token', ADMIN]);

beforeAll(async () => {
  fake = await openFakeServerContext({ now: () => now });
  ({ app, url } = await listeningApp(fake.ctx, { admin: ADMIN, agent: null }));
  const headers = { authorization: `Bearer ${ADMIN}` };
  await app.inject({ method: 'PUT', url: '/api/v1/services/web', headers, payload: { start: 'node server.js', instances: [{ host: 'h1', port: 7001 }] } });
  await app.inject({ method: 'POST', url: '/api/v1/releases', headers, payload: { service: 'web', version: '2.0.0', package_url: 'https://example.test/web.tgz', sha256: 'a'.repeat(64) } });
});
afterAll(async () => {
  await app.close();
  await fake.close();
});

describe('weeklySpan', () => {
  it.each([
    ['fri 16:00-mon 08:00', { day: 'fri', from: '16:00', to: 'mon 08:00' }],
    ['Sat 22:00 - Mon 06:00', { day: 'sat', from: '22:00', to: 'mon 06:00' }],
    ['mon 09:00-17:00', { day: 'mon', from: '09:00', to: '17:00' }],
  ])('%s', (raw, span) => expect(weeklySpan(raw)).toEqual(span));

  it.each(['fri 16:00', 'friday', '16:00-18:00', 'fri 16-18'])('%s is refused', (raw) => expect(() => weeklySpan(raw)).toThrow(/weekly span/));
});

describe('ferry freeze', () => {
  let weekly: string;
  let holidays: string;

  it('add prints the new id; list shows service or "all", the window, whether it is active and when it ends', async () => {
    const a = await ferry('freeze', 'add', '--service', 'web', '--from', '2026-01-01T00:00:00Z', '--until', '2027-01-01T00:00:00Z', '--reason', 'weekends', '--weekly', 'fri 16:00-mon 08:00', '--weekly', 'wed 12:00-13:00', '--time-zone', 'Europe/Berlin');
    expect([a.code, a.stderr]).toEqual([0, '']);
    weekly = a.stdout.trim();
    now += 1;
    const b = await ferry('freeze', 'add', '--from', '2026-12-24T00:00:00Z', '--until', '2026-12-27T00:00:00Z', '--reason', 'holidays');
    holidays = b.stdout.trim();
    expect(holidays).toMatch(/^frz_/);
    const list = await ferry('freeze', 'list', '--service', 'web');
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FREEZE_ID\s+SERVICE\s+WINDOW\s+REASON\s+ACTIVE_NOW\s+ENDS/);
    expect(lines[1]).toContain(weekly);
    expect(lines[1]).toContain('weekly fri 16:00-mon 08:00, wed 12:00-13:00 Europe/Berlin');
    expect(lines[1]).toMatch(/weekends\s+no\s+-/);
    expect(lines[2]).toMatch(new RegExp(`^${holidays}\\s+all\\s+2026-12-24T00:00:00.000Z → 2026-12-27T00:00:00.000Z\\s+holidays\\s+yes\\s+2026-12-27T00:00:00.000Z`));
  });

  it('--json prints the API body', async () => {
    const run = await ferry('freeze', 'list', '--json');
    expect((JSON.parse(run.stdout) as { freezes: Array<{ freeze_id: string }> }).freezes.map((f) => f.freeze_id)).toEqual([weekly, holidays]);
  });

  it('a frozen deploy exits 4 naming the window; --override-freeze passes it', async () => {
    const refused = await ferry('deploy', 'web', '2.0.0');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain(holidays);
    const passed = await ferry('deploy', 'web', '2.0.0', '--override-freeze', 'hotfix INC-7');
    expect([passed.code, passed.stderr]).toEqual([0, '']);
    const [event] = await fake.store.listAudit({ type: 'freeze_overridden' });
    expect(event?.details).toMatchObject({ freeze_id: holidays, override_reason: 'hotfix INC-7' });
  });

  it('remove takes a window away; removing it again exits 2 (404)', async () => {
    expect((await ferry('freeze', 'remove', holidays)).stdout.trim()).toBe(`removed ${holidays} (holidays)`);
    expect((await ferry('freeze', 'remove', holidays)).code).toBe(2);
  });

  it.each([
    [['freeze', 'add', '--from', 'tomorrow', '--until', '2027-01-01T00:00:00Z', '--reason', 'r']],
    [['freeze', 'add', '--from', '2026-01-01T00:00:00Z', '--until', '2027-01-01T00:00:00Z', '--reason', 'r', '--weekly', 'friday']],
    [['freeze', 'add', '--from', '2026-01-01T00:00:00Z', '--until', '2027-01-01T00:00:00Z']],
    [['freeze', 'add', '--from', '2026-01-01T00:00:00Z', '--until', '2027-01-01T00:00:00Z', '--reason', 'r', '--time-zone', 'Europe/Berlin']],
    [['freeze', 'add', '--from', '2026-01-01T00:00:00Z', '--until', '2027-01-01T00:00:00Z', '--reason', 'r', '--weekly', 'fry 16:00-mon 08:00']],
    [['deploy', 'web', '2.0.0', '--override-freeze', ' ']],
  ])('%j exits 2 with one line', async (args) => {
    const run = await ferry(...args);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')[0]).toMatch(/\S/);
    expect(run.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help')).length).toBe(1);
  });
});

describe('ferry freeze list with a window that can no longer be evaluated', () => {
  it('shows it active and says on stderr to remove it or fix it', async () => {
    await fake.store.insertFreeze({
      freeze_id: 'frz_bogus_cli', service: 'other', starts_at: T - 1000, ends_at: T + 86_400_000, reason: 'weekend freeze',
      recurrence: { weekly: [{ day: 'fri', from: '16:00', to: 'mon 08:00' }], time_zone: 'Mars/Olympus_Mons' },
      created_at: T - 1000, created_by: 'admin', removed_at: null, removed_by: null,
    });
    const list = await ferry('freeze', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/frz_bogus_cli\s+other\s+.*weekend freeze\s+yes\s+/);
    expect(list.stderr.trim()).toMatch(/^window frz_bogus_cli cannot be evaluated \(bad_time_zone: .*\): remove it or fix it$/);
  });
});
