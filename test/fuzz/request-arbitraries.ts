/**
 * Generators for fuzzed requests. Bodies follow the route's own JSON Schema most of the
 * time, so many requests pass validation and reach the route code, and break it the rest
 * of the time: wrong types, huge and odd strings, numbers out of range, arrays where
 * objects are expected, missing and extra keys, malformed JSON, the wrong content type.
 * Path parameters and query strings mix real names (the seeded fleet's) with generated
 * ones, percent-encoded bytes and `..`.
 */
import fc from 'fast-check';
import type { FuzzRoute, JsonSchema } from './route-table.js';

/** Real values from the seeded store: all of them, and those that fit a field or parameter of a given name. */
export interface Known {
  all: readonly string[];
  byField: Readonly<Record<string, readonly string[]>>;
}

function poolFor(known: Known, field: string | undefined): readonly string[] {
  return (field !== undefined ? known.byField[field] : undefined) ?? known.all;
}

/** One request as `app.inject` takes it. */
export interface FuzzRequest {
  method: FuzzRoute['method'] | 'OPTIONS';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Stands for a number JSON cannot spell exactly; serialised as `1e999` (Infinity to JSON.parse). */
const HUGE_NUMBER = '\u0000fuzz-huge-number\u0000';
const MAX_HUGE_BYTES = 20_000;

/** Generated strings avoid the markers the leak check looks for, so an echo is never mistaken for a leak. */
const harmless = (s: string) => !/work|node_modules|sqlite|constraint|\.[tj]s:\d|at \w/i.test(s);

function hugeString(): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: 256, max: MAX_HUGE_BYTES }), fc.constantFrom('a', '-', 'é', '💥', '/', '%', '.'))
    .map(([bytes, unit]) => unit.repeat(Math.floor(bytes / Buffer.byteLength(unit))));
}

const ODD_STRINGS = [
  '', ' ', '.', '..', '../..', '../../etc/passwd', '..\\..', '\u0000', 'latest', 'LATEST', 'Current', '-web', 'web-', 'WEB',
  '__proto__', 'constructor', 'toString', 'null', 'undefined', 'true', '1e999', 'NaN', '-1', '0', '💥', 'e\u0301', '\ud800', 'ñ',
  '<script>alert(1)</script>', "'; DROP TABLE services;--", '%s%n', '{}', '[]', '\n', '\r\n', '\t', 'a b', 'a/b', '*', '?', '#',
  '2026-02-30T00:00:00Z', '2026-01-01', 'not-a-date', '9999999-01-01T00:00:00Z', 'file:///', 'file://host/x', 'http://', 'ftp://x/y',
  'x'.repeat(63), 'x'.repeat(64), 'v'.repeat(128), 'v'.repeat(129), 'a'.repeat(200), 'a'.repeat(201),
];

/**
 * `plausible` values keep to the schema (real names, pattern matches, numbers in range),
 * so the request reaches the route's own code; `hostile` ones break it now and then.
 */
export type Mode = 'plausible' | 'hostile';

function stringArb(known: Known, schema: JsonSchema = {}, mode: Mode = 'hostile', field?: string): fc.Arbitrary<string> {
  const fitting = fc.constantFrom(...poolFor(known, field));
  const pattern = typeof schema.pattern === 'string' ? [{ weight: 4, arbitrary: fc.stringMatching(new RegExp(schema.pattern)).filter(harmless) }] : [];
  if (mode === 'plausible') {
    return fc.oneof({ weight: 8, arbitrary: fitting }, { weight: 1, arbitrary: fc.constantFrom(...known.all) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}$/) }, ...pattern);
  }
  const options: Array<fc.WeightedArbitrary<string>> = [
    { weight: 4, arbitrary: fitting },
    { weight: 2, arbitrary: fc.constantFrom(...known.all) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,12}$/) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40, unit: 'grapheme' }).filter(harmless) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }).filter(harmless) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_STRINGS) },
    { weight: 1, arbitrary: hugeString() },
    ...pattern,
  ];
  if (typeof schema.maxLength === 'number') {
    const max = schema.maxLength;
    options.push({ weight: 1, arbitrary: fc.constantFrom('a'.repeat(max), 'a'.repeat(max + 1)) });
  }
  return fc.oneof(...options);
}

function numberArb(schema: JsonSchema, integer: boolean, mode: Mode): fc.Arbitrary<unknown> {
  const min = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum + 1 : -1_000_000;
  const max = typeof schema.maximum === 'number' ? schema.maximum : 1_000_000;
  const inRange = integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  const low = Math.max(Math.ceil(min), 0);
  const small = fc.integer({ min: low, max: Math.max(low, Math.min(Math.floor(max), low + 10)) });
  if (mode === 'plausible') return fc.oneof(small, inRange);
  const odd = fc.constantFrom<unknown>(0, -0, -1, 1, 0.5, 1.5, 65_535, 65_536, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 1e21, 1e308, -1e308, 5e-324, min - 1, max + 1, HUGE_NUMBER);
  return fc.oneof({ weight: 2, arbitrary: small }, { weight: 2, arbitrary: inRange }, { weight: 2, arbitrary: odd });
}

/** Any JSON value, for slots that get the wrong type. */
const anyJson = fc.jsonValue({ maxDepth: 2 }).filter((v) => harmless(JSON.stringify(v) ?? ''));

/** A value for `schema`: right-shaped, and in `hostile` mode anything now and then. */
export function valueFor(schema: JsonSchema, known: Known, mode: Mode, depth = 0, field?: string): fc.Arbitrary<unknown> {
  if (mode === 'plausible') return shapedValue(schema, known, mode, depth, field);
  return fc.oneof({ weight: 12, arbitrary: shapedValue(schema, known, mode, depth, field) }, { weight: 1, arbitrary: anyJson });
}

function shapedValue(schema: JsonSchema, known: Known, mode: Mode, depth: number, field: string | undefined): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives !== undefined) return fc.oneof(...alternatives.map((s) => valueFor(s, known, mode, depth + 1, field)));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'object':
      return objectFor(schema, known, mode, depth);
    case 'array':
      return fc.array(valueFor((schema.items as JsonSchema | undefined) ?? {}, known, mode, depth + 1, field), { maxLength: mode === 'plausible' ? 3 : 4 });
    case 'string':
      return stringArb(known, schema, mode, field);
    case 'integer':
      return numberArb(schema, true, mode);
    case 'number':
      return numberArb(schema, false, mode);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return mode === 'plausible' ? fc.constantFrom(...poolFor(known, field)) : anyJson;
  }
}

function objectFor(schema: JsonSchema, known: Known, mode: Mode, depth: number): fc.Arbitrary<unknown> {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = ((schema.required ?? []) as string[]).filter((k) => k in properties);
  const patterned = Object.values((schema.patternProperties ?? {}) as Record<string, JsonSchema>)[0];
  const base =
    Object.keys(properties).length === 0 && patterned !== undefined
      ? fc.dictionary(stringArb({ all: ['PORT', 'NODE_ENV', 'A_1', '_x'], byField: {} }, {}, mode), valueFor(patterned, known, mode, depth + 1), { maxKeys: 3 })
      : fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueFor(s, known, mode, depth + 1, k)])), { requiredKeys: required });
  if (mode === 'plausible') return base;
  // Now and then a required key goes missing or an unknown one appears.
  const mutation = fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(...(required.length > 0 ? required : ['x'])).map((k) => ({ drop: k })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('extra', '__proto__', 'constructor', ''), anyJson).map(([k, v]) => ({ add: k, value: v })) },
  );
  return fc.tuple(base, mutation).map(([value, change]) => {
    const out = { ...(value as Record<string, unknown>) };
    if (change !== null && 'drop' in change) delete out[change.drop];
    if (change !== null && 'add' in change) Object.defineProperty(out, change.add, { value: change.value, enumerable: true, writable: true, configurable: true });
    return out;
  });
}

function toJsonText(value: unknown): string {
  return JSON.stringify(value).replaceAll(JSON.stringify(HUGE_NUMBER), '1e999');
}

const MALFORMED_JSON = [
  '{', '{"service":', '[1,2', 'nul', '{"a":1}}', "{'a':1}", '\u0000', '', ' ', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}',
  '1e999', '-', '"', '{"service":"web","service":"api"}', '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u00"}', 'true', '[]', '[{}]', '{}',
];

interface Payload {
  payload?: string;
  contentType?: string;
}

function payloadFor(route: FuzzRoute, known: Known): fc.Arbitrary<Payload> {
  const json = (a: fc.Arbitrary<unknown>) => a.map((v): Payload => ({ payload: toJsonText(v), contentType: 'application/json' }));
  const malformed = fc.constantFrom(...MALFORMED_JSON).map((text): Payload => ({ payload: text, contentType: 'application/json' }));
  const none = fc.constant<Payload>({});
  const wrongType = fc
    .tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/xml', 'application/jsonx'), fc.constantFrom('service=web', '{"service":"web"}', 'hello'))
    .map(([contentType, payload]): Payload => ({ payload, contentType }));
  if (route.body === undefined) {
    return fc.oneof({ weight: 8, arbitrary: none }, { weight: 1, arbitrary: json(anyJson) }, { weight: 1, arbitrary: malformed }, { weight: 1, arbitrary: wrongType });
  }
  return fc.oneof(
    { weight: 8, arbitrary: json(valueFor(route.body, known, 'plausible')) },
    { weight: 6, arbitrary: json(valueFor(route.body, known, 'hostile')) },
    { weight: 1, arbitrary: json(anyJson) },
    { weight: 1, arbitrary: json(fc.array(valueFor(route.body, known, 'hostile'), { minLength: 1, maxLength: 2 })) },
    { weight: 1, arbitrary: malformed },
    { weight: 1, arbitrary: wrongType },
    { weight: 1, arbitrary: none },
  );
}

/** Every UTF-8 byte escaped as `%XX` (lone surrogates become U+FFFD, as a client would send). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

const RAW_PATH_SEGMENTS = ['..', '.', '%2e%2e', '%2E%2E%2F', '..%2F..%2Fetc%2Fpasswd', '%FF', '%C0%AF', '%00', '%', '%zz', '%E2%82', 'a%2Fb', '%2F', '~', 'web%00', 'web%20', '%F0%9F%92%A5', 'web;x', 'web.', ''];

function pathParamArb(known: Known, name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...poolFor(known, name)).map(percentEncode) },
    { weight: 3, arbitrary: stringArb(known, {}, 'hostile', name).map(percentEncode) },
    // Raw (unescaped) unicode, as a careless client sends it.
    { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'grapheme' }).filter(harmless).map((s) => s.replace(/[?#%/\\\s]/g, '')) },
    { weight: 2, arbitrary: fc.constantFrom(...RAW_PATH_SEGMENTS) },
  );
}

const RAW_QUERY_TAILS = ['', '&', '&&', '=', '?', '&=x', '%', '%FF=1', 'a=%ZZ', 'a[b]=1', 'a[]=1&a[]=2', '__proto__[x]=1', 'constructor=1'];

function queryArb(route: FuzzRoute, known: Known): fc.Arbitrary<string> {
  const declared = route.query.map(({ name, schema }) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant<string[]>([]) },
      { weight: 3, arbitrary: stringArb(known, schema, 'plausible', name).map((v) => [v]) },
      { weight: 3, arbitrary: fc.array(stringArb(known, schema, 'hostile', name), { minLength: 1, maxLength: 3 }) },
    ).map((values) => values.map((v) => `${name}=${percentEncode(v)}`)),
  );
  const extras = fc.array(fc.tuple(fc.constantFrom('a', 'service', 'limit', 'since', 'x%FF', '__proto__', ''), stringArb(known)).map(([k, v]) => `${k}=${percentEncode(v)}`), { maxLength: 2 });
  const tail = fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...RAW_QUERY_TAILS) });
  return fc.tuple(fc.tuple(...declared), fc.oneof({ weight: 3, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: extras }), tail).map(([params, extra, tail]) => {
    const parts = [...params.flat(), ...extra, ...(tail === '' ? [] : [tail])];
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  });
}

export interface FuzzTokens {
  admin: string;
  agent: string;
}

function authArb(tokens: FuzzTokens): fc.Arbitrary<Record<string, string>> {
  return fc.oneof(
    { weight: 24, arbitrary: fc.constant({ authorization: `Bearer ${tokens.admin}` }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer wrong-token', 'Bearer ', 'Bearer', 'Basic YTpi', `Bearer ${tokens.admin} extra`, `Bearer ${tokens.admin.toUpperCase()}`, `Bearer ${tokens.agent}`).map((authorization) => ({ authorization })) },
  );
}

const ODD_HEADERS: Array<Record<string, string>> = [
  { 'x-correlation-id': 'a'.repeat(300) },
  { 'x-correlation-id': '../../x' },
  { 'x-ferry-actor': 'bob;rm -rf' },
  { 'x-ferry-actor': 'a'.repeat(100) },
  { traceparent: 'garbage' },
  { 'x-request-id': '%FF' },
  { accept: 'application/openmetrics-text' },
];

const extraHeadersArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_HEADERS) },
);

/** Mostly the route's own method; now and then one it does not answer (HEAD is left out: its answers have no body). */
function methodArb(route: FuzzRoute): fc.Arbitrary<FuzzRoute['method'] | 'OPTIONS'> {
  return fc.oneof({ weight: 30, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') });
}

/** A request to `route`: its path with generated parameters, a query string, headers and maybe a body. */
export function requestFor(route: FuzzRoute, known: Known, tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  const params = fc.tuple(...route.pathParams.map((name) => pathParamArb(known, name)));
  return fc.tuple(methodArb(route), params, queryArb(route, known), payloadFor(route, known), authArb(tokens), extraHeadersArb).map(([method, values, query, body, auth, extra]) => {
    let path = route.path;
    route.pathParams.forEach((name, i) => {
      path = path.replace(`{${name}}`, values[i]!);
    });
    const headers: Record<string, string> = { ...auth, ...extra, ...(body.contentType !== undefined ? { 'content-type': body.contentType } : {}) };
    return { method, url: `${path}${query}`, headers, ...(body.payload !== undefined ? { payload: body.payload } : {}) };
  });
}
