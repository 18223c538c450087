import { describe, expect, it } from 'vitest';
import { checkLogLevel, LOG_LEVELS } from './log-level.js';

describe('checkLogLevel', () => {
  it.each<[string, string]>([...LOG_LEVELS.map((l): [string, string] => [l, l]), [' WARN ', 'warn'], ['Debug', 'debug']])('%j → %s', (raw, level) => {
    expect(checkLogLevel(raw)).toBe(level);
  });

  it.each(['loud', '', '30', 'information'])('refuses %j, naming the variable and the choices', (raw) => {
    expect(() => checkLogLevel(raw)).toThrow(/one of fatal, error, warn, info, debug, trace, silent \(--log-level or FERRY_LOG_LEVEL\)/);
  });
});
