/** Store contract: releases (immutable), services (declared vs. rollout-owned fields), hosts. */
import { describe, expect, it } from 'vitest';
import type { ContractContext } from './contract-context.js';
import { sampleHost, sampleRelease, sampleService } from '../../testing/sample-entities.js';

export function catalogContract(ctx: ContractContext): void {
  describe('releases', () => {
    it('round-trips every field, with and without the optional ones', async () => {
      const full = sampleRelease();
      const bare = sampleRelease({ version: '1.0.1', git_sha: null, build_time: null });
      await ctx.store().insertRelease(full);
      await ctx.store().insertRelease(bare);
      expect(await ctx.store().getRelease('web', '1.0.0')).toEqual(full);
      expect(await ctx.store().getRelease('web', '1.0.1')).toEqual(bare);
      expect(await ctx.store().getRelease('web', '9.9.9')).toBeUndefined();
    });

    it('refuses a second release with the same service and version, keeping the first', async () => {
      await ctx.store().insertRelease(sampleRelease());
      await expect(ctx.store().insertRelease(sampleRelease({ sha256: 'b'.repeat(64) }))).rejects.toThrow();
      expect((await ctx.store().getRelease('web', '1.0.0'))?.sha256).toBe('a'.repeat(64));
    });

    it('accepts the same version for another service', async () => {
      await ctx.store().insertRelease(sampleRelease());
      await ctx.store().insertRelease(sampleRelease({ service: 'api' }));
      expect(await ctx.store().listReleases('api')).toHaveLength(1);
    });

    it('lists one service newest registration first, ties by version descending', async () => {
      await ctx.store().insertRelease(sampleRelease({ version: '1.0.0', registered_at: 1000 }));
      await ctx.store().insertRelease(sampleRelease({ version: '3.0.0', registered_at: 2000 }));
      await ctx.store().insertRelease(sampleRelease({ version: '2.0.0', registered_at: 3000 }));
      await ctx.store().insertRelease(sampleRelease({ version: '2.1.0', registered_at: 3000 }));
      await ctx.store().insertRelease(sampleRelease({ service: 'api', version: '9.0.0', registered_at: 9000 }));
      const versions = (await ctx.store().listReleases('web')).map((r) => r.version);
      expect(versions).toEqual(['2.1.0', '2.0.0', '3.0.0', '1.0.0']);
      expect(await ctx.store().listReleases('nothing')).toEqual([]);
    });
  });

  describe('services', () => {
    it('round-trips every field, including JSON env, verify and strategy', async () => {
      const service = sampleService({ desired_version: '1.0.0', previous_version: '0.9.0' });
      await ctx.store().putService(service);
      expect(await ctx.store().getService('web')).toEqual(service);
      expect(await ctx.store().getService('nothing')).toBeUndefined();
    });

    it('stores a null strategy and empty env and verify', async () => {
      const service = sampleService({ strategy: null, env: {}, verify: [] });
      await ctx.store().putService(service);
      expect(await ctx.store().getService('web')).toEqual(service);
    });

    it('replaces declared fields but keeps desired and previous versions and created_at', async () => {
      await ctx.store().putService(sampleService({ desired_version: '2.0.0', previous_version: '1.0.0', created_at: 100, updated_at: 100 }));
      const redeclared = sampleService({
        start: './run',
        health_path: '/health',
        version_path: '/v',
        env: { A: '1' },
        verify: [],
        strategy: { type: 'all_at_once' },
        drift_policy: 'rebuild',
        keep_releases: 7,
        drain_s: 0,
        // The traffic parts (migration 017) are declared fields too: a re-declaration replaces them.
        traffic: { type: 'haproxy', socket: 'tcp:127.0.0.1:9999', backend: 'web' },
        analysis: { provider: 'haproxy', queries: [{ name: 'errors', query: 'error_ratio', success: '< 0.01' }] },
        rollback_triggers: { watch_minutes: 10, min_success_rate: 0.99 },
        rollback_batch_percent: 25,
        desired_version: null,
        previous_version: null,
        created_at: 999,
        updated_at: 500,
      });
      await ctx.store().putService(redeclared);
      expect(await ctx.store().getService('web')).toEqual({
        ...redeclared,
        desired_version: '2.0.0',
        previous_version: '1.0.0',
        created_at: 100,
      });
    });

    it('replaces the traffic, analysis and rollback-trigger specs on a re-declaration (migration 017), and clears them', async () => {
      await ctx.store().putService(sampleService({ traffic: null, analysis: null, rollback_triggers: null, rollback_batch_percent: null }));
      const declared = sampleService({
        traffic: { type: 'haproxy', socket: 'tcp:127.0.0.1:9999', backend: 'web' },
        analysis: { provider: 'prometheus', address: 'http://prom.test', queries: [{ name: 'errors', query: 'up', success: '< 0.01' }], interval_s: 5 },
        rollback_triggers: { watch_minutes: 10 },
        rollback_batch_percent: 25,
        updated_at: 200,
      });
      await ctx.store().putService(declared);
      expect(await ctx.store().getService('web')).toMatchObject({ traffic: declared.traffic, analysis: declared.analysis, rollback_triggers: { watch_minutes: 10 }, rollback_batch_percent: 25 });
      await ctx.store().putService(sampleService({ traffic: null, analysis: null, rollback_triggers: null, rollback_batch_percent: null, updated_at: 300 }));
      expect(await ctx.store().getService('web')).toMatchObject({ traffic: null, analysis: null, rollback_triggers: null, rollback_batch_percent: null });
    });

    it('keeps the version check (migration 019) and clears it on a re-declaration without one', async () => {
      const declared = sampleService({ version_check: { type: 'command', command: ['./app', '--version'], timeout_ms: 2000 } });
      await ctx.store().putService(declared);
      expect((await ctx.store().getService('web'))?.version_check).toEqual(declared.version_check);
      await ctx.store().putService(sampleService({ version_check: { type: 'process' }, updated_at: 200 }));
      expect((await ctx.store().getService('web'))?.version_check).toEqual({ type: 'process' });
      await ctx.store().putService(sampleService({ version_check: null, updated_at: 300 }));
      expect((await ctx.store().getService('web'))?.version_check).toBeNull();
    });

    it('sets desired and previous versions', async () => {
      await ctx.store().putService(sampleService({ updated_at: 100 }));
      await ctx.store().setServiceVersions('web', { desired_version: '2.0.0', previous_version: '1.0.0', updated_at: 200 });
      const service = await ctx.store().getService('web');
      expect(service).toMatchObject({ desired_version: '2.0.0', previous_version: '1.0.0', updated_at: 200 });
    });

    it('lists services by name', async () => {
      await ctx.store().putService(sampleService({ name: 'web' }));
      await ctx.store().putService(sampleService({ name: 'api' }));
      await ctx.store().putService(sampleService({ name: 'batch' }));
      expect((await ctx.store().listServices()).map((s) => s.name)).toEqual(['api', 'batch', 'web']);
    });
  });

  describe('hosts', () => {
    it('inserts, then replaces on upsert by host id', async () => {
      await ctx.store().upsertHost(sampleHost());
      expect(await ctx.store().getHost('host-a')).toEqual(sampleHost());
      const later = sampleHost({ address: '10.0.0.9', agent_version: null, last_heartbeat_at: 1_700_000_009_000 });
      await ctx.store().upsertHost(later);
      expect(await ctx.store().getHost('host-a')).toEqual(later);
      expect(await ctx.store().getHost('host-z')).toBeUndefined();
    });

    it('lists hosts by id', async () => {
      await ctx.store().upsertHost(sampleHost({ host: 'host-b' }));
      await ctx.store().upsertHost(sampleHost({ host: 'host-a' }));
      expect((await ctx.store().listHosts()).map((h) => h.host)).toEqual(['host-a', 'host-b']);
    });
  });
}
