/**
 * `--strategy` accepts the JSON object of CONTRACT §2 or a shorthand, so the common
 * rollouts fit on a command line:
 *   all_at_once    → {"type":"all_at_once"}
 *   rolling:2      → {"type":"rolling","batch_size":2}
 *   rolling:25%    → {"type":"rolling","batch_percent":25}
 *   canary:1       → {"type":"canary","steps":[{"instances":1,"pause":"until_promoted"}]}
 *   canary:10%     → {"type":"canary","steps":[{"percent":10,"pause":"until_promoted"}]}
 *   rolling, canary → the bare type; the server applies its defaults
 * Only the shape is checked here; the server validates the numbers' limits.
 */
import type { StrategySpec } from '../core/types.js';

export type StrategyParse = { ok: true; strategy: StrategySpec } | { ok: false; message: string };

const STRATEGY_TYPES = ['all_at_once', 'rolling', 'canary'];
const FORMS = 'all_at_once, rolling:N, rolling:P%, canary:N, canary:P% or a JSON object such as {"type":"rolling","batch_size":2}';

export function parseStrategy(text: string): StrategyParse {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return parseStrategyJson(trimmed);
  const match = /^(all_at_once|rolling|canary)(?::(\d+)(%?))?$/.exec(trimmed);
  if (match === null) return { ok: false, message: `--strategy "${text}" is not one of ${FORMS}` };
  const [, type, amountText, percentSign] = match;
  if (amountText === undefined) return { ok: true, strategy: { type } as StrategySpec };
  if (type === 'all_at_once') return { ok: false, message: 'all_at_once takes no size' };
  const amount = Number(amountText);
  const isPercent = percentSign === '%';
  if (amount < 1 || (isPercent && amount > 100)) {
    return { ok: false, message: `--strategy "${text}": the size must be ${isPercent ? 'a percentage from 1 to 100' : 'at least 1'}` };
  }
  if (type === 'rolling') {
    return { ok: true, strategy: isPercent ? { type, batch_percent: amount } : { type, batch_size: amount } };
  }
  const step = isPercent ? { percent: amount, pause: 'until_promoted' as const } : { instances: amount, pause: 'until_promoted' as const };
  return { ok: true, strategy: { type: 'canary', steps: [step] } };
}

function parseStrategyJson(text: string): StrategyParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `--strategy is not valid JSON: ${(error as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, message: '--strategy JSON must be an object' };
  }
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !STRATEGY_TYPES.includes(type)) {
    return { ok: false, message: `--strategy JSON needs "type": one of ${STRATEGY_TYPES.join(', ')}` };
  }
  return { ok: true, strategy: parsed as StrategySpec };
}
