/**
 * Bench support: some benchmarks drive the same test fixtures as the end-to-end tests (the
 * load generator, the real HAProxy), which live in src/testing and so are never built into
 * dist/ (tsconfig.build.json leaves them out: they must not ship). This compiles the named
 * modules, and whatever they import, into the benchmark's scratch folder with the
 * repository's own TypeScript, and returns a function to import them from there.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Compiles `modules` (paths under src/, e.g. `testing/load-generator.ts`) into
 * `scratch/testing-build`; returns `load(module)`, which imports the compiled one.
 */
export function compileTestingModules(scratch, modules) {
  const outDir = join(scratch, 'testing-build');
  const tsconfig = join(scratch, 'tsconfig.testing.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: join(ROOT, 'tsconfig.json'),
    // Type roots are found from the tsconfig's folder by default, which here is the scratch one.
    compilerOptions: { rootDir: join(ROOT, 'src'), outDir, sourceMap: false, noEmitOnError: true, typeRoots: [join(ROOT, 'node_modules', '@types')] },
    include: [],
    files: modules.map((m) => join(ROOT, 'src', m)),
  }));
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { encoding: 'utf8', timeout: 180_000 });
  if (tsc.status !== 0) throw new Error(`compiling ${modules.join(', ')} failed: ${(tsc.stdout + tsc.stderr).trim().slice(-2000)}`);
  return (module) => import(pathToFileURL(join(outDir, module.replace(/\.ts$/, '.js'))).href);
}
