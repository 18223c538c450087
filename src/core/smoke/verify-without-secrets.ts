/**
 * A smoke step's headers may carry credentials (`authorization: Bearer …` for a path
 * behind a login). They stay in the stored spec, which agents run, and nowhere else: a
 * service's plan, its audit event and what a caller below admin reads show every header
 * value as `***`; the names stay, so a reader can tell what is sent.
 */
import { MASK } from '../analysis/analysis-credentials.js';
import { isSmokeChain, type VerifyCheck } from './smoke-chain.js';

export function verifyWithoutSecrets(verify: readonly VerifyCheck[]): VerifyCheck[] {
  return verify.map((check) => {
    if (!isSmokeChain(check) || !check.steps.some((step) => step.headers !== undefined)) return check;
    return {
      ...check,
      steps: check.steps.map((step) => (step.headers === undefined ? step : { ...step, headers: Object.fromEntries(Object.keys(step.headers).map((name) => [name, MASK])) })),
    };
  });
}
