/**
 * `{VAR}` placeholders in a smoke step, and the request a step makes once the values
 * captured by earlier steps are put in. Any `{NAME}` whose name is a variable name is a
 * placeholder (so a step cannot send a literal `{word}`), which lets the declaration
 * check refuse a step that uses a variable no earlier step captures.
 */
import type { SmokeStep } from './smoke-chain.js';

/** A variable's name: what `capture` declares and `{…}` uses. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]{0,63})\}/g;

/** The variable names `text` uses, in order of first use. */
export function variablesIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** The variable names every string inside a JSON value uses (object keys are sent as written). */
export function variablesInValue(value: unknown): string[] {
  if (typeof value === 'string') return variablesIn(value);
  if (Array.isArray(value)) return [...new Set(value.flatMap(variablesInValue))];
  if (value !== null && typeof value === 'object') return [...new Set(Object.values(value).flatMap(variablesInValue))];
  return [];
}

/** Every variable a step uses: in its path, its body and its header values. */
export function variablesOfStep(step: SmokeStep): string[] {
  return [...new Set([...variablesIn(step.path), ...variablesInValue(step.body), ...Object.values(step.headers ?? {}).flatMap(variablesIn)])];
}

/** `text` with each placeholder of a known variable replaced (through `encode`); unknown ones stay. */
export function substitute(text: string, values: Readonly<Record<string, string>>, encode: (value: string) => string = (v) => v): string {
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.prototype.hasOwnProperty.call(values, name) ? encode(values[name]!) : whole));
}

/** A JSON value with every string inside it substituted. */
export function substituteValue(value: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return substitute(value, values);
  if (Array.isArray(value)) return value.map((item) => substituteValue(item, values));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteValue(v, values)]));
  return value;
}

/** What a step sends, with the captured values put in. */
export interface StepRequest {
  method: string;
  /** Starts with `/`; captured values in it are URL-encoded, so an id cannot change the path's shape. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function stepRequest(step: SmokeStep, values: Readonly<Record<string, string>>): StepRequest {
  const headers = Object.fromEntries(Object.entries(step.headers ?? {}).map(([name, value]) => [name, substitute(value, values)]));
  let body: string | undefined;
  if (typeof step.body === 'string') body = substitute(step.body, values);
  else if (step.body !== undefined) {
    body = JSON.stringify(substituteValue(step.body, values));
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  return { method: step.method ?? 'GET', path: substitute(step.path, values, encodeURIComponent), headers, body };
}
