/**
 * Test-only: `node --import ./test/cli/record-imports-hook.mjs …` records every module URL
 * the process resolves (ESM and, through the same hooks, CommonJS loaded by import) into
 * the file named by FERRY_RECORD_IMPORTS, one URL a line, so a test can prove which
 * packages a command loads. Node ≥ 20.6 (`module.register`).
 */
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    import { appendFileSync } from 'node:fs';
    let out;
    export function initialize(data) { out = data.out; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      appendFileSync(out, resolved.url + '\\n');
      return resolved;
    }
  `)}`,
  { data: { out: process.env.FERRY_RECORD_IMPORTS } },
);
