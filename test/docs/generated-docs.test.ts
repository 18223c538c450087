/**
 * docs/cli.md and docs/api.md are generated from the code (the commander definitions and
 * the server's OpenAPI document), and committed so they can be read in the repository.
 * A fresh generation must equal the committed file, so the reference never drifts from
 * what `ferry` and the server actually accept: after changing a command or a route, run
 * `npm run build && npm run docs` and commit the result.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

describe.each([
  ['docs/cli.md', 'scripts/gen-cli-docs.mjs'],
  ['docs/api.md', 'scripts/gen-api-docs.mjs'],
])('%s', (doc, script) => {
  it(`equals a fresh run of ${script} (regenerate with: npm run build && npm run docs)`, () => {
    const fresh = execFileSync(process.execPath, [join(ROOT, script), '--stdout'], { cwd: ROOT, encoding: 'utf8' });
    expect(readFileSync(join(ROOT, doc), 'utf8')).toBe(fresh);
  });
});
