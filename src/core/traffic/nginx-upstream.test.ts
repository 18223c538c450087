import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkUpstreamEntries, nginxServerAddress, nginxServerWeight, parseUpstreamFile, renderUpstreamFile, type UpstreamEntry } from './nginx-upstream.js';

const entry = (instance_id: string, state: 'ready' | 'drain', weight: number, address = '10.0.0.1', port = 8080): UpstreamEntry => ({ service: 'web', instance_id, address, port, state, weight });

describe('nginx server weights', () => {
  it.each([
    ['ready', 100, 100],
    ['ready', 256, 256],
    ['ready', 1, 1],
    ['ready', 0.4, 1],
    ['ready', 0, 'down'],
    ['drain', 100, 'down'],
    ['drain', 0, 'down'],
  ] as const)('%s at weight %d → %s', (state, weight, expected) => {
    expect(nginxServerWeight({ state, weight })).toBe(expected);
  });

  it('keeps every ready instance at ≥ 1 and the ratio of two integer weights', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 256 }), fc.integer({ min: 1, max: 256 }), (a, b) => {
        const wa = nginxServerWeight({ state: 'ready', weight: a });
        const wb = nginxServerWeight({ state: 'ready', weight: b });
        expect(wa).not.toBe('down');
        expect((wa as number) / (wb as number)).toBeCloseTo(a / b);
      }),
    );
  });
});

describe('the upstream file', () => {
  it('renders one block, a line per instance sorted by id, drained ones down', () => {
    const text = renderUpstreamFile('web', [entry('web-2', 'drain', 100, '10.0.0.2'), entry('web-1', 'ready', 20)]);
    expect(text).toBe(
      [
        '# Written by Ferry: every change to this file is replaced by the next one.',
        'upstream web {',
        '  server 10.0.0.1:8080 weight=20; # ferry instance=web-1 state=ready weight=20',
        '  server 10.0.0.2:8080 down; # ferry instance=web-2 state=drain weight=100',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('puts an IPv6 address in brackets', () => {
    expect(nginxServerAddress('::1', 80)).toBe('[::1]:80');
    expect(nginxServerAddress('[::1]', 80)).toBe('[::1]:80');
    expect(nginxServerAddress('10.0.0.1', 80)).toBe('10.0.0.1:80');
  });

  it('reads back what it wrote, telling a ready instance at weight 0 from a drained one', () => {
    const entries = [entry('a', 'ready', 0), entry('b', 'drain', 100), entry('c', 'ready', 37)];
    expect(parseUpstreamFile(renderUpstreamFile('web', entries))).toEqual([
      { address: '10.0.0.1:8080', instance_id: 'a', state: 'ready', weight: 0 },
      { address: '10.0.0.1:8080', instance_id: 'b', state: 'drain', weight: 100 },
      { address: '10.0.0.1:8080', instance_id: 'c', state: 'ready', weight: 37 },
    ]);
  });

  it('round-trips any intents', () => {
    const arbitraryEntry = fc.record({
      service: fc.constant('web'),
      instance_id: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
      address: fc.ipV4(),
      port: fc.integer({ min: 1, max: 65_535 }),
      state: fc.constantFrom('ready' as const, 'drain' as const),
      weight: fc.integer({ min: 0, max: 256 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryEntry, { selector: (e) => e.instance_id, maxLength: 8 }), (entries) => {
        const read = parseUpstreamFile(renderUpstreamFile('web', entries));
        const byId = new Map(read.map((s) => [s.instance_id, s]));
        for (const e of entries) expect(byId.get(e.instance_id)).toMatchObject({ address: `${e.address}:${e.port}`, state: e.state, weight: e.weight });
      }),
    );
  });

  it('believes the directive over the comment when someone edited the file', () => {
    const text = 'upstream web {\n  server 10.0.0.1:8080 down; # ferry instance=a state=ready weight=50\n  server 10.0.0.2:80 weight=7 max_fails=3; # ferry instance=b state=drain weight=100\n  server 10.0.0.3:80;\n}\n';
    expect(parseUpstreamFile(text)).toEqual([
      { address: '10.0.0.1:8080', instance_id: 'a', state: 'drain', weight: 50 },
      { address: '10.0.0.2:80', instance_id: 'b', state: 'ready', weight: 7 },
      { address: '10.0.0.3:80', state: 'ready', weight: 1 },
    ]);
  });

  it.each([
    ['an address with a ;', entry('a', 'ready', 1, '10.0.0.1; include /etc/passwd')],
    ['an address with a space', entry('a', 'ready', 1, '10.0.0.1 backup')],
    ['an instance id with a line break', entry('a\n}', 'ready', 1)],
    ['a port out of range', entry('a', 'ready', 1, '10.0.0.1', 70_000)],
  ])('refuses to write %s', (_name, bad) => {
    expect(checkUpstreamEntries('web', [entry('ok', 'ready', 1), bad])).toMatchObject({ ok: false, reason: 'bad_upstream' });
  });

  it('accepts plain addresses, host names and IPv6', () => {
    expect(checkUpstreamEntries('web', [entry('a', 'ready', 1, 'app-1.internal'), entry('b', 'ready', 1, '::1'), entry('c', 'ready', 1, '[fe80::1]')])).toEqual({ ok: true });
  });
});
