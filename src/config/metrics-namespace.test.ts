import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readTimers } from './timers.js';
import { checkMetricsNamespace, readMetricsNamespace } from './metrics-namespace.js';
import { startServer } from '../server/start-server.js';

describe('OBS_METRICS_NAMESPACE', () => {
  it.each(['ferry', 'acme_ferry', '_x', 'F3'])('accepts %s', (value) => {
    expect(checkMetricsNamespace(value)).toEqual({ ok: true });
    expect(readMetricsNamespace({ OBS_METRICS_NAMESPACE: value })).toBe(value);
  });

  it('defaults to ferry when unset or empty', () => {
    expect(readMetricsNamespace({})).toBe('ferry');
    expect(readMetricsNamespace({ OBS_METRICS_NAMESPACE: '' })).toBe('ferry');
  });

  it.each(['9lives', 'has-dash', 'has space', 'a:b', '__reserved', 'x'.repeat(65), 'ünï'])('refuses %s with a message naming the variable', (value) => {
    const check = checkMetricsNamespace(value);
    expect(check).toMatchObject({ ok: false, reason: 'invalid_metrics_namespace' });
    expect(() => readMetricsNamespace({ OBS_METRICS_NAMESPACE: value })).toThrow(/^OBS_METRICS_NAMESPACE ".*" is not a usable metric name prefix/);
  });
});

describe('startServer with a bad OBS_METRICS_NAMESPACE', () => {
  const saved = process.env.OBS_METRICS_NAMESPACE;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-ns-'));
  afterEach(() => {
    if (saved === undefined) delete process.env.OBS_METRICS_NAMESPACE;
    else process.env.OBS_METRICS_NAMESPACE = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start before opening the store', async () => {
    process.env.OBS_METRICS_NAMESPACE = 'bad-name';
    await expect(startServer({ host: '127.0.0.1', port: 0, dataDir: dir, timers: readTimers({}), logLevel: 'silent', adminToken: 'x'.repeat(32) })).rejects.toThrow(/OBS_METRICS_NAMESPACE "bad-name"/);
    expect(readdirSync(dir).filter((f) => f.startsWith('ferry.db'))).toEqual([]);
  });
});
