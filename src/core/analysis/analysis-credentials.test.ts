import { describe, expect, it } from 'vitest';
import { analysisWithoutCredentials } from './analysis-credentials.js';
import { planServiceChange } from '../services/plan-service-change.js';
import { makeService } from '../../testing/builders.js';

const spec = (address: string) => ({ provider: 'prometheus' as const, address, queries: [{ name: 'e', query: 'up', success: '> 0' }] });

describe('analysisWithoutCredentials', () => {
  it.each([
    ['http://prometheus:9090', 'http://prometheus:9090'],
    ['https://ferry:s3cret@prometheus.example:9090/', 'https://***@prometheus.example:9090/'],
    ['https://:token@p/', 'https://***@p/'],
  ])('%s → %s', (address, shown) => {
    expect(analysisWithoutCredentials(spec(address))?.address).toBe(shown);
  });

  it('keeps the credentials out of a service plan, which is audited', () => {
    const plan = planServiceChange({ service: 'web', existing: makeService(), current: [], wanted: [], settings: { ...makeService(), analysis: spec('https://u:s3cret@p:9090') }, knownHosts: new Set() });
    expect(JSON.stringify(plan)).not.toContain('s3cret');
    expect(plan.settings.find((c) => c.field === 'analysis')).toBeDefined();
  });
});
