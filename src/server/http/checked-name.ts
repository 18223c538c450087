/** Path parameters are names too: a malformed one is a 400, never a lookup. */
import { InputError } from '../../core/errors.js';
import { checkHostId, checkServiceName, checkVersion } from '../../core/names.js';

export function checkedName(value: string, what: 'service' | 'version' | 'host'): string {
  const check = what === 'service' ? checkServiceName(value) : what === 'version' ? checkVersion(value) : checkHostId(value);
  if (!check.ok) throw new InputError(check.reason, check.message);
  return value;
}
