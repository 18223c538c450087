/**
 * `npm run sbom` writes a CycloneDX SBOM of the production dependencies into the build
 * output: every `dependencies` entry of package.json is a component, no devDependency is.
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
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.metadata.component.name).toBe('ferry');
    const names = namesIn(bom.components);
    expect(names).toContain('fastify');
    expect(Object.keys(manifest.dependencies).filter((d) => !names.has(d))).toEqual([]);
    expect(Object.keys(manifest.devDependencies).filter((d) => names.has(d))).toEqual([]);
  });
});
