import { describe, expect, it } from 'vitest';
import { trafficAction, trafficTemplateValues } from './traffic-action.js';

describe('trafficAction', () => {
  it.each([
    ['nothing known → ready', undefined, { state: 'ready', weight: 100 }, 'ready'],
    ['nothing known → drain', undefined, { state: 'drain', weight: 100 }, 'drain'],
    ['only the weight changes', { state: 'ready', weight: 100 }, { state: 'ready', weight: 20 }, 'weight'],
    ['ready → drain', { state: 'ready', weight: 100 }, { state: 'drain', weight: 100 }, 'drain'],
    ['drain → ready at another weight', { state: 'drain', weight: 100 }, { state: 'ready', weight: 20 }, 'ready'],
    ['the same state again', { state: 'ready', weight: 100 }, { state: 'ready', weight: 100 }, 'ready'],
  ] as const)('%s', (_name, previous, next, expected) => {
    expect(trafficAction(previous, next)).toBe(expected);
  });
});

describe('trafficTemplateValues', () => {
  it('gives {host} the address the balancer dials', () => {
    expect(trafficTemplateValues({ service: 'web', instance_id: 'web-1', address: '10.0.0.7', port: 8080 }, 50, 'weight')).toEqual({
      service: 'web',
      instance: 'web-1',
      host: '10.0.0.7',
      port: 8080,
      weight: 50,
      action: 'weight',
    });
  });
});
