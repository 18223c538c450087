/**
 * What a service PUT writes for the instances it adds, in process on the in-memory store:
 * the core's first goals (plan-initial-goals.ts) through the one plan applier.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTHY_DEADLINE_S } from '../../../core/operations/strategy.js';
import { inMemoryServerContext } from '../../../testing/in-memory-server-context.js';
import type { ServerContext } from '../../server-context.js';
import { applyServiceSpec } from './apply-service-spec.js';

const NOW = Date.UTC(2026, 0, 1);
const caller = { actor: 'alice', correlationId: 'corr-put' };
const spec = (ports: number[]) => ({ start: 'node server.js', instances: ports.map((port) => ({ host: 'h1', port })) });
let ctx: ServerContext;

beforeEach(() => {
  ctx = inMemoryServerContext(() => NOW);
});

const goals = async () => Object.fromEntries((await ctx.store.listInstances({ service: 'web' })).map((i) => [i.instance_id, i.goal]));

describe('applyServiceSpec: first goals of added instances', () => {
  it('a new service with no desired version stores its instances with no goal', async () => {
    await applyServiceSpec(ctx, 'web', spec([7001]), caller);
    expect(await goals()).toEqual({ 'web-h1-7001': { version: null, generation: 0, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S } });
  });

  it('an instance added to a service with a desired version gets it as generation 1, owned by no operation; the others keep theirs', async () => {
    await applyServiceSpec(ctx, 'web', spec([7001]), caller);
    await ctx.store.setServiceVersions('web', { desired_version: '1.0.0', previous_version: null, updated_at: NOW });
    await applyServiceSpec(ctx, 'web', spec([7001, 7002]), caller);
    expect(await goals()).toStrictEqual({
      'web-h1-7001': { version: null, generation: 0, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S },
      'web-h1-7002': { version: '1.0.0', generation: 1, action: 'run', timeout_s: DEFAULT_HEALTHY_DEADLINE_S },
    });
    expect((await ctx.store.listAudit({ type: 'instance_added' })).map((e) => [e.instance_id, e.version])).toEqual([
      ['web-h1-7001', null],
      ['web-h1-7002', '1.0.0'],
    ]);
  });
});
