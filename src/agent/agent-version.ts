/**
 * The agent's own version for heartbeats: the `version` of Ferry's package.json, found by
 * walking up from this module (it sits at a different depth in src/ and in dist/).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function agentVersion(): string {
  if (cached !== null) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ferry' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // no package.json here; keep walking up
    }
    dir = path.dirname(dir);
  }
  return (cached = 'unknown');
}
