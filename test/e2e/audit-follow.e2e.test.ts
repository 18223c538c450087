/**
 * `ferry audit --follow` end to end: a real server and the real CLI process. The CLI prints
 * each committed event once; when the server goes away and comes back (events committed
 * meanwhile included) it reconnects with Last-Event-ID and prints exactly the events the
 * audit log holds, in order, none twice; Ctrl-C ends it with 130.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FERRY_BIN } from '../../src/local-fleet/ferry-processes.js';
import { packageHello } from '../../src/local-fleet/hello-packages.js';
import { LocalFleet } from '../../src/local-fleet/local-fleet.js';
import { pollUntil } from '../../src/local-fleet/poll-until.js';

let fleet: LocalFleet;

beforeAll(async () => {
  fleet = await LocalFleet.start({ hosts: [], env: { FERRY_AUDIT_HEARTBEAT_S: '1' } });
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
}, 60_000);

interface Follower {
  child: ChildProcess;
  events: Array<{ id: number; type: string; version: string | null }>;
  stderr: string;
  exit: Promise<number | null>;
}

function follow(...args: string[]): Follower {
  const child = spawn(process.execPath, [FERRY_BIN, 'audit', '--follow', '--json', '--server', fleet.server.url, ...args], {
    env: { ...process.env, FERRY_TOKEN: fleet.token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const follower: Follower = { child, events: [], stderr: '', exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  createInterface({ input: child.stdout! }).on('line', (line) => follower.events.push(JSON.parse(line) as Follower['events'][number]));
  child.stderr!.on('data', (chunk: Buffer) => (follower.stderr += chunk.toString('utf8')));
  return follower;
}

let releases = 0;
async function registerRelease(): Promise<string> {
  releases += 1;
  const version = `v${releases}`;
  const p = await packageHello(fleet.dir, 'hello', version);
  await fleet.api.post('/api/v1/releases', { service: 'hello', version, package_url: p.package_url, sha256: p.sha256 });
  return version;
}

async function auditIds(): Promise<number[]> {
  return ((await fleet.api.get('/api/v1/audit?limit=10000')) as { events: Array<{ id: number }> }).events.map((e) => e.id);
}

describe('ferry audit --follow', () => {
  it('prints new events, survives a server restart without losing or repeating one, and exits 130 on Ctrl-C', async () => {
    const follower = follow();
    // The stream is open once the CLI has a connection: register until the first event shows up.
    await pollUntil('the follower to print a new event', async () => {
      if (follower.events.length > 0) return true;
      await registerRelease();
      return undefined;
    }, { timeoutMs: 30_000, intervalMs: 500 });
    await registerRelease();

    await fleet.server.stop();
    await fleet.restartServer();
    // Committed right after the restart: usually before the CLI's reconnect (it waits the retry hint), so replayed from the store.
    await registerRelease();
    await registerRelease();

    // Every event from the first one printed on (all committed while the stream was open, or replayed after it).
    const first = follower.events[0]!.id;
    const expected = (await auditIds()).filter((id) => id >= first);
    await pollUntil('every new event on the follower', async () => (follower.events.length >= expected.length ? true : undefined), { timeoutMs: 30_000 });
    expect(follower.events.map((e) => e.id)).toEqual(expected);
    expect(follower.events.every((e) => e.type === 'release_registered')).toBe(true);
    expect(follower.stderr).toMatch(/audit stream: .*; reconnecting in [0-9.]+ s after event [0-9]+/);

    follower.child.kill('SIGINT');
    expect(await follower.exit).toBe(130);
    expect(follower.stderr).toContain('ferry: stopped following the audit log');
  }, 120_000);

  it('with --since, first prints the stored events from that time, then the new ones', async () => {
    const stored = ((await fleet.api.get('/api/v1/audit?limit=10000')) as { events: Array<{ id: number; at: string }> }).events;
    const from = stored[1]!;
    const follower = follow('--since', from.at);
    const expectedStored = stored.filter((e) => Date.parse(e.at) >= Date.parse(from.at)).map((e) => e.id);
    await pollUntil('the stored events on the follower', async () => (follower.events.length >= expectedStored.length ? true : undefined), { timeoutMs: 30_000 });
    await registerRelease();
    const all = (await auditIds()).filter((id) => id >= expectedStored[0]!);
    await pollUntil('the new event on the follower', async () => (follower.events.length >= all.length ? true : undefined), { timeoutMs: 30_000 });
    expect(follower.events.map((e) => e.id)).toEqual(all);
    follower.child.kill('SIGINT');
    expect(await follower.exit).toBe(130);
  }, 60_000);

  it('refuses --follow with --limit (exit 2), a wrong token (exit 3), and an unreachable server (exit 3) at once', async () => {
    const limited = follow('--limit', '5');
    expect(await limited.exit).toBe(2);
    expect(limited.stderr).toContain('cannot be combined with --limit');

    const child = spawn(process.execPath, [FERRY_BIN, 'audit', '--follow', '--server', fleet.server.url, '--token', 'fy_wrong'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(3);
    expect(stderr.trim().split('\n')).toHaveLength(1);

    const nowhere = spawn(process.execPath, [FERRY_BIN, 'audit', '--follow', '--server', 'http://127.0.0.1:9', '--token', 'x'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => nowhere.once('exit', resolve))).toBe(3);
  }, 60_000);
});
