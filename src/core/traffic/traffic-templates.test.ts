import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { placeholdersIn, renderTemplate, unknownPlaceholders } from './traffic-templates.js';
import { TRAFFIC_PLACEHOLDERS } from './traffic-spec.js';
import { ANALYSIS_PLACEHOLDERS } from '../analysis/analysis-spec.js';

describe('traffic and query templates', () => {
  it.each([
    [['lb-ctl', '{action}', '{host}:{port}', '--weight={weight}'], []],
    [['sh', '-c', 'echo {secret}'], ['secret']],
    [['x', '{service}{instance}', '{token}', '{token}'], ['token']],
  ])('a command %j uses unknown placeholders %j', (argv, unknown) => {
    expect(unknownPlaceholders(argv, TRAFFIC_PLACEHOLDERS)).toEqual(unknown);
  });

  it('does not take PromQL label matchers for placeholders', () => {
    const query = 'sum(rate(hello_requests_total{version="{version}",status=~"5.."}[1m])) / sum(rate(hello_requests_total{version="{baseline_version}"}[1m]))';
    expect(placeholdersIn(query)).toEqual(['version', 'baseline_version']);
    expect(unknownPlaceholders([query], ANALYSIS_PLACEHOLDERS)).toEqual([]);
    expect(unknownPlaceholders(['up{job="{jobname}"}'], ANALYSIS_PLACEHOLDERS)).toEqual(['jobname']);
  });

  it('renders known placeholders and leaves the rest as written', () => {
    expect(renderTemplate('{host}:{port} {other}', { host: '127.0.0.1', port: 8080 })).toBe('127.0.0.1:8080 {other}');
  });

  it('a rendered value never introduces a placeholder that is then rendered again', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        expect(renderTemplate('[{instance}]', { instance: value, host: 'h' })).toBe(`[${value}]`);
      }),
    );
  });
});
