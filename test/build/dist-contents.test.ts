/**
 * What the build ships: product code only. Fakes, fixtures, `src/testing/` and the store's
 * contract suite are test support; a product module that imports one would pull it into dist/ (tsc
 * compiles what is imported even when the file is excluded), so this looks at the output
 * of the build `npm test` runs first, not at the exclude list.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const TEST_SUPPORT = /(^|\/)(fake-[^/]*|[^/]*-fixtures?|[^/]*\.test|[^/]*\.contract|sample-entities)\.js$|(^|\/)(contract|testing)\//;

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith('.js') ? [relative(DIST, path)] : [];
  });
}

/** Every file and folder below `dir`, relative to dist/, whatever its extension. */
function allEntries(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const here = relative(DIST, path);
    return entry.isDirectory() ? [here, ...allEntries(path)] : [here];
  });
}

describe('dist/', () => {
  it('holds the product and no test support', () => {
    const files = jsFiles(DIST);
    expect(files).toContain('cli/main.js');
    expect(files.filter((f) => TEST_SUPPORT.test(f))).toEqual([]);
    // src/testing/ is test support as a whole: not even an empty folder of it ships.
    expect(existsSync(join(DIST, 'testing'))).toBe(false);
  });

  it('has no testing/ folder and no fake or fixture file of any kind', () => {
    const all = allEntries(DIST);
    expect(all.filter((f) => /(^|\/)testing(\/|$)/.test(f))).toEqual([]);
    expect(all.filter((f) => /(^|\/)(fake-|[^/]*fixture)[^/]*$/.test(f))).toEqual([]);
  });
});
