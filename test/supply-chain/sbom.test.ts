/**
 * `npm run sbom` writes a CycloneDX SBOM of the production dependencies into the build
 * output: every `dependencies` entry of package.json is a component, and no package only the
 * development tree needs is (a devDependency that a production package also depends on, like
 * `@types/node` under protobufjs, is rightly listed: package-lock.json marks the others `dev`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

interface Component {
  group?: string;
  name: string;
  version?: string;
  components?: Component[];
}

function namesIn(components: Component[] = [], out = new Set<string>()): Set<string> {
  for (const c of components) {
    out.add(c.group ? `${c.group}/${c.name}` : c.name);
    namesIn(c.components, out);
  }
  return out;
}

describe('npm run sbom', () => {
  it('writes dist/sbom.cdx.json listing every production dependency and no dev one', () => {
    execFileSync('npm', ['run', '--silent', 'sbom'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    const bom = JSON.parse(readFileSync(join(ROOT, 'dist', 'sbom.cdx.json'), 'utf8'));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
    const devOnly = Object.keys(manifest.devDependencies).filter((d) => lock.packages[`node_modules/${d}`]?.dev === true);
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata.component.name).toBe('ferry');
    const names = namesIn(bom.components);
    expect(names).toContain('fastify');
    expect(Object.keys(manifest.dependencies).filter((d) => !names.has(d))).toEqual([]);
    expect(devOnly).toContain('vitest');
    expect(devOnly.filter((d) => names.has(d))).toEqual([]);
  });
});
