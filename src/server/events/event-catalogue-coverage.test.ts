/**
 * Every event type the code emits is in the catalogue, and every catalogued type is
 * emitted somewhere. recordEvent's FerryEvent parameter already makes the compiler refuse
 * an unknown type; this test reads the sources, so it also catches a type that slips in
 * through a cast or a `string` and a catalogue entry nothing writes any more. The patterns
 * are the ways events are written today (the planners' `event(...)` helpers, `eventOf`,
 * event literals, start events, operator controls); a new way needs a pattern here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, isEventType } from '../../core/events/event-catalogue.js';

const SRC = fileURLToPath(new URL('../../', import.meta.url));
const T = "'([a-z]+(?:_[a-z]+)*)'";
const EMITTING = [
  new RegExp(`\\bevent\\(\\s*${T}`, 'g'), // this.event('x', …), event('x', …)
  new RegExp(`\\bevent\\(plan, s, instance, isolation, ${T}`, 'g'), // the drift planner's helper
  new RegExp(`\\beventOf\\(\\s*${T}`, 'g'),
  new RegExp(`\\btokenEvent\\(\\s*${T}`, 'g'),
  new RegExp(`\\btype: ${T},\\n\\s+service:`, 'g'), // an event literal over several lines
  new RegExp(`\\btype: ${T}, service\\b`, 'g'), // an event literal on one line
  new RegExp(`\\baccepted\\([^)]*?${T}(?:, false)?\\)`, 'g'), // operation-controls
  new RegExp(`\\bevent: ${T}`, 'g'),
  new RegExp(`(?:const type =|type:|event\\()\\s*[^;\\n]*? \\? ${T} : ${T}`, 'g'), // one of two types
  new RegExp(`startEvents(?:: [A-Za-z\\[\\]]+)?(?: =|:) \\[([^\\]]*)\\]`, 'g'), // start events of an operation
  new RegExp(`Deployment\\([^;]*caller,\\s*\\[([^\\]]*)\\]`, 'g'), // start events passed to createDeployment
  new RegExp(`\\binsertOperation\\(tx, built, \\[([^\\]]*)\\]`, 'g'), // start events stored with an operation
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'events' ? [] : sourceFiles(path); // the catalogue names types, it emits none
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Each emitted type with the files that emit it. */
function emittedTypes(): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  for (const file of [...sourceFiles(join(SRC, 'core')), ...sourceFiles(join(SRC, 'server'))]) {
    const source = readFileSync(file, 'utf8');
    for (const pattern of EMITTING) {
      for (const match of source.matchAll(pattern)) {
        for (const group of match.slice(1)) {
          if (group === undefined) continue;
          const types = group.includes("'") ? [...group.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!) : [group];
          for (const type of types) found.set(type, (found.get(type) ?? new Set()).add(file));
        }
      }
    }
  }
  return found;
}

describe('the event catalogue', () => {
  const emitted = emittedTypes();

  it('holds every event type the code emits', () => {
    const unknown = [...emitted].filter(([type]) => !isEventType(type)).map(([type, files]) => `${type} (${[...files].join(', ')})`);
    expect(unknown).toEqual([]);
  });

  it('holds no type that nothing emits (and so the scan above sees every way events are written)', () => {
    expect(EVENT_TYPES.filter((type) => !emitted.has(type))).toEqual([]);
  });

  it('knows its own types and no others', () => {
    expect(EVENT_TYPES.length).toBe(new Set(EVENT_TYPES).size);
    expect(EVENT_TYPES.every(isEventType)).toBe(true);
    expect(isEventType('deploy_started')).toBe(true);
    expect(isEventType('deploy_exploded')).toBe(false);
    expect(isEventType('toString')).toBe(false);
  });
});
