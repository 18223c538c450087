/** Path parameters are names too: a malformed one is a 400, never a lookup. */
import { InputError } from '../../core/errors.js';
import { checkServiceName, checkVersion } from '../../core/names.js';

export function checkedName(value: string, what: 'service' | 'version'): string {
  const check = what === 'service' ? checkServiceName(value) : checkVersion(value);
  if (!check.ok) throw new InputError(check.reason, check.message);
  return value;
}
