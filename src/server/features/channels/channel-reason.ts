/** The operator's reason a promotion or channel rollback must give (400 `reason_required`). */
import { InputError } from '../../../core/errors.js';

export function requireReason(reason: string | undefined, what: string): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') throw new InputError('reason_required', `${what} needs a reason: say why in "reason" (--reason)`);
  return trimmed;
}
