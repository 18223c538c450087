/**
 * Test-only: `node --import ./test/cli/record-imports-hook.mjs …` records every module URL
 * the process resolves (ESM and, through the same hooks, CommonJS loaded by import) into
 * the file named by FERRY_RECORD_IMPORTS, one URL a line, so a test can prove which
 * packages a command loads; at exit it adds the Node internals it loaded as
 * `node-internal:NAME` (the bundled undici behind the global fetch shows as
 * `node-internal:internal/deps/undici/undici`). Node ≥ 20.6 (`module.register`).
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

process.on('exit', () => {
  const internals = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => `node-internal:${name.slice('NativeModule '.length)}`);
  appendFileSync(process.env.FERRY_RECORD_IMPORTS, `${internals.join('\n')}\n`);
});

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
