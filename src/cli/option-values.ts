/**
 * Parsers for flag values, used as commander argParsers so a bad value is a usage error
 * (exit 2) reported before any request is sent.
 */
import { InvalidArgumentError } from 'commander';
import { checkLogLevel } from '../config/log-level.js';

export function integerAtLeast(min: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}, got "${raw}"`);
    }
    return value;
  };
}

export function portNumber(raw: string): number {
  const value = integerAtLeast(0)(raw);
  if (value > 65_535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${raw}"`);
  return value;
}

/** `a,b, c` → ['a','b','c']; an empty list is refused because it would mean "no instances". */
export function commaList(raw: string): string[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list, got nothing');
  return items;
}

/** For repeatable flags (`--instance a:1 --instance b:2`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** An ISO-8601 timestamp, normalised so the server sees one format. */
export function isoTimestamp(raw: string): string {
  const time = Date.parse(raw);
  if (Number.isNaN(time)) throw new InvalidArgumentError(`expected an ISO-8601 time such as 2025-01-31T12:00:00Z, got "${raw}"`);
  return new Date(time).toISOString();
}

/** An operation id (deployment, rollback) as typed: trimmed, and never empty, which would name no operation. */
export function operationId(raw: string): string {
  const id = raw.trim();
  if (id === '') throw new InvalidArgumentError('expected a deployment id such as dep-3f9a1c2b7d4e, got nothing');
  return id;
}

/** --log-level / FERRY_LOG_LEVEL of the server and the agent: one of pino's levels. */
export function logLevel(raw: string): string {
  try {
    return checkLogLevel(raw);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}
