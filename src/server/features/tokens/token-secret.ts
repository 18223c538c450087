/**
 * Token secrets: 32 random bytes, shown once, kept only as their sha256. The `fy_`
 * prefix lets secret scanners and people recognise a Ferry token in a paste.
 */
import { createHash, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'fy_';

export function mintSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64url');
}

export function secretSha256(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function mintTokenId(): string {
  return `tok_${randomBytes(8).toString('hex')}`;
}
