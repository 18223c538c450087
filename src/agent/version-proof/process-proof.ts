/**
 * The `process` check: the version is the release the process listening on the instance's
 * port runs from, provided it is the process the agent started (or its descendant). Read
 * from `/proc` (`proc-facts.ts`), judged by `judgeListener`; the app is asked nothing.
 */
import type { ProofResult, ProofTarget } from './proof-result.js';
import { judgeListener } from './judge-listener.js';
import { readListenerFacts } from './proc-facts.js';

export function proveByProcess(target: Pick<ProofTarget, 'port' | 'started' | 'releasesDir' | 'start' | 'env'>): ProofResult {
  const start = { start: target.start ?? null, pathEnv: target.env.PATH };
  const verdict = judgeListener(readListenerFacts(target.port, target.started, target.releasesDir, start));
  switch (verdict.kind) {
    case 'no_listener':
      return { kind: 'pending', why: `nothing listens on :${target.port} yet` };
    case 'refused':
      return { kind: 'refused', refusal: verdict.refusal };
    case 'proven':
      return { kind: 'proven', version: verdict.version, source: { type: 'process', detail: verdict.detail } };
  }
}
