/**
 * Fail fast on a missing version endpoint: the pure streak rule as a table, and
 * `probeStartup` against a real server that is healthy but has no /version, on a fake
 * clock (each reading 100 ms later), so the 120 s deadline is never waited for.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeStartup } from '../instance-probe.js';
import { extendStreak, isPersistent, unavailableMessage, type UnavailableStreak } from './version-unavailable.js';

describe('isPersistent', () => {
  const streakOf = (answers: number, since = 0): UnavailableStreak => ({ answers, since, why: 'answered 404 on /version' });
  it.each([
    ['5 answers over 1.2 s', streakOf(5), 1200, true],
    ['5 answers over 0.3 s', streakOf(5), 300, false],
    ['4 answers over 3 s', streakOf(4), 3000, false],
    ['50 answers over exactly 1 s', streakOf(50), 1000, true],
    ['no streak', null, 10_000, false],
  ])('%s → %s', (_name, streak, now, expected) => {
    expect(isPersistent(streak, now)).toBe(expected);
  });

  it('counts from the first answer and quotes the latest', () => {
    let streak: UnavailableStreak | null = null;
    for (let t = 0; t < 5; t += 1) streak = extendStreak(streak, t < 4 ? 'answered 404 on /version' : 'answered non-JSON on /version', t * 300);
    expect(streak).toEqual({ answers: 5, since: 0, why: 'answered non-JSON on /version' });
    expect(unavailableMessage('hello-1', streak!, '1.4.0')).toBe(
      'instance hello-1 is healthy but answered non-JSON on /version (5 times in a row), expected version 1.4.0; a service without a version endpoint can use "version_check": {"type": "process"}',
    );
  });
});

describe('probeStartup on a healthy instance without a version endpoint', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/healthz') return res.end('ok');
      if (req.url === '/silent') return req.socket.destroy();
      res.statusCode = 404;
      res.end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** A clock that moves 100 ms per reading. */
  function fakeClock(): { now: () => number } {
    let t = 0;
    return { now: () => (t += 100) };
  }

  const probe = (versionPath: string, timeoutS: number, clock: { now: () => number }) =>
    probeStartup({ instanceId: 'hello-1', port, healthPath: '/healthz', versionPath, expectedVersion: '1.4.0', timeoutS, exited: null, superseded: () => false, verify: [], logFile: '/nonexistent', now: clock.now });

  it('fails within seconds with version_unavailable, suggesting version_check, long before its deadline', async () => {
    const clock = fakeClock();
    const result = await probe('/version', 120, clock);
    expect(result).toMatchObject({ ok: false, code: 'version_unavailable', message: expect.stringContaining('answered 404 on /version') });
    expect(!result.ok && result.message).toContain('"version_check": {"type": "process"}');
    expect(clock.now()).toBeLessThan(10_000);
  });

  it('keeps waiting, to its deadline, while the version path does not answer at all', async () => {
    const result = await probe('/silent', 3, fakeClock());
    expect(result).toMatchObject({ ok: false, code: 'version_mismatch', message: expect.stringContaining('its version was not proven within 3 s (no answer on /silent') });
  });
});
