/**
 * One entry point for the three ways an agent proves which version an instance runs
 * (CONTRACT §2 `version_check`): asking the instance (`http-proof.ts`), asking the
 * operating system about the process on its port (`process-proof.ts`), or running a
 * command from its release (`command-proof.ts`). Both the startup gate and the periodic
 * probe (`instance-probe.ts`) go through `proveVersion`, so a version is proven the same
 * way whenever it is shown.
 */
import type { VersionCheck } from '../../core/version-check.js';
import type { ProofResult, ProofTarget } from './proof-result.js';
import { proveByCommand } from './command-proof.js';
import { proveByHttp } from './http-proof.js';
import { proveByProcess } from './process-proof.js';

export function proveVersion(check: VersionCheck, target: ProofTarget): Promise<ProofResult> {
  switch (check.type) {
    case 'http':
      return proveByHttp(check, target.port);
    case 'process':
      return Promise.resolve(proveByProcess(target));
    case 'command':
      return proveByCommand(check, target);
  }
}
