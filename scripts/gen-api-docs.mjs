#!/usr/bin/env node
/**
 * Writes docs/api.md from the server's own OpenAPI document: it builds the app in this
 * process (buildApp from dist/ on a throw-away SQLite store, nothing listening) and renders
 * `app.swagger()`, so the reference lists exactly the routes, parameters and body fields the
 * server validates. Whatever the schemas hold, the rendering takes it: unknown keywords are
 * skipped, not fatal. `--stdout` prints instead of writing; test/docs/generated-docs.test.ts
 * fails when the committed file differs from a fresh run. Needs a build (`npm run build`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { readCanaryDefaults } from '../dist/config/canary-defaults.js';
import { readTimers } from '../dist/config/timers.js';
import { buildApp } from '../dist/server/http/build-app.js';
import { InProcessWakeSignal } from '../dist/server/in-process-wake-signal.js';
import { AlwaysLeader } from '../dist/server/leadership.js';
import { openStore } from '../dist/store/open-store.js';
import { cell, code } from './markdown-cells.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'api.md');
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short type for a schema: `string`, `integer[]`, `"rolling" \| "canary"`, `object (type: rolling)`. */
function typeOf(schema) {
  if (!isObject(schema)) return 'any';
  if (typeof schema.$ref === 'string') return schema.$ref.split('/').at(-1);
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return [...new Set(variants.map(typeOf))].join(' | ');
  if (Array.isArray(schema.allOf)) return schema.allOf.map(typeOf).join(' & ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type !== undefined ? [schema.type] : [];
  const shown = types.map((type) => {
    if (type === 'array') return `${typeOf(schema.items).includes(' ') ? `(${typeOf(schema.items)})` : typeOf(schema.items)}[]`;
    if (type === 'object') {
      // A variant of a tagged union says which tag it carries.
      const tag = isObject(schema.properties?.type) ? schema.properties.type : undefined;
      const tagValue = tag?.const ?? (Array.isArray(tag?.enum) && tag.enum.length === 1 ? tag.enum[0] : undefined);
      return tagValue !== undefined ? `object (type: ${tagValue})` : 'object';
    }
    return String(type);
  });
  if (schema.nullable === true) shown.push('null');
  return shown.length > 0 ? shown.join(' | ') : 'any';
}

/** The limits a schema states, e.g. `≥ 1, ≤ 100`, `pattern ^[a-z]+$`, `default 5`. */
function limitsOf(schema) {
  if (!isObject(schema)) return '';
  const notes = [];
  // OpenAPI 3.0 writes an exclusive bound as a boolean beside minimum/maximum, 3.1 as the number itself.
  const bound = (inclusive, exclusive, [closed, open]) => {
    if (typeof exclusive === 'number') return `${open} ${exclusive}`;
    if (inclusive !== undefined) return `${exclusive === true ? open : closed} ${inclusive}`;
    return null;
  };
  const range = [bound(schema.minimum, schema.exclusiveMinimum, ['≥', '>']), bound(schema.maximum, schema.exclusiveMaximum, ['≤', '<'])].filter((b) => b !== null);
  if (range.length > 0) notes.push(range.join(', '));
  if (schema.minLength !== undefined || schema.maxLength !== undefined) notes.push(`length ${schema.minLength ?? 0}..${schema.maxLength ?? ''}`);
  if (schema.minItems !== undefined || schema.maxItems !== undefined) notes.push(`items ${schema.minItems ?? 0}..${schema.maxItems ?? ''}`);
  if (schema.pattern !== undefined) notes.push(`pattern ${code(schema.pattern)}`);
  if (schema.format !== undefined) notes.push(`format ${schema.format}`);
  if (schema.default !== undefined) notes.push(`default ${code(JSON.stringify(schema.default))}`);
  return notes.join('; ');
}

/** One row per property of an object schema (the first level), required ones marked. */
function propertyRows(schema) {
  if (!isObject(schema) || !isObject(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(schema.properties).map(
    ([name, property]) =>
      `| ${code(name)} | ${cell(typeOf(property))} | ${required.has(name) ? 'yes' : ''} | ${[cell(property?.description ?? ''), limitsOf(property)].filter((s) => s !== '').join('; ')} |`,
  );
}

function renderOperation(method, path, operation) {
  const lines = [`### ${method.toUpperCase()} ${path}`, ''];
  if (operation.summary) lines.push(cell(operation.summary), '');
  if (operation.description) lines.push(String(operation.description).trim(), '');
  if (Array.isArray(operation.security) && operation.security.length === 0) lines.push('No token needed.', '');
  const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
  if (parameters.length > 0) {
    lines.push('| parameter | in | type | required | notes |', '| --- | --- | --- | --- | --- |');
    for (const p of parameters) {
      lines.push(`| ${code(p.name)} | ${p.in} | ${cell(typeOf(p.schema))} | ${p.required ? 'yes' : ''} | ${[cell(p.description ?? ''), limitsOf(p.schema)].filter((s) => s !== '').join('; ')} |`);
    }
    lines.push('');
  }
  const body = operation.requestBody?.content?.['application/json']?.schema;
  if (body !== undefined) {
    const rows = propertyRows(body);
    lines.push(`Request body (JSON, ${cell(typeOf(body))}${operation.requestBody.required ? ', required' : ''})${rows.length > 0 ? ':' : '.'}`, '');
    if (rows.length > 0) lines.push('| field | type | required | notes |', '| --- | --- | --- | --- |', ...rows, '');
  }
  const responses = isObject(operation.responses) ? Object.entries(operation.responses) : [];
  const described = responses.filter(([status, r]) => !(status === '200' && r?.description === 'Default Response' && r.content === undefined));
  if (described.length > 0) {
    lines.push('Responses:', '');
    for (const [status, response] of described) {
      const schema = Object.values(response?.content ?? {})[0]?.schema;
      const fields = isObject(schema?.properties) ? `; fields: ${Object.keys(schema.properties).map(code).join(', ')}` : '';
      lines.push(`- **${status}** ${cell(response?.description ?? '')}${schema !== undefined ? ` (${cell(typeOf(schema))}${fields})` : ''}`);
    }
    lines.push('');
  }
  return lines;
}

export function renderApiDocs(doc) {
  const operations = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      if (isObject(item?.[method])) operations.push({ method, path, operation: item[method], tag: item[method].tags?.[0] ?? 'other' });
    }
  }
  const tags = [...new Set(operations.map((o) => o.tag))];
  const lines = [
    `# ${doc.info?.title ?? 'API'} reference`,
    '',
    '<!-- Generated by scripts/gen-api-docs.mjs from the server\'s OpenAPI document: do not edit by hand.',
    '     Regenerate with `npm run build && npm run docs`. -->',
    '',
    `OpenAPI ${doc.openapi ?? ''}, API version ${doc.info?.version ?? ''}. A running server serves the same document at`,
    '`GET /api/v1/openapi.json`. Every `/api/v1/*` route takes `Authorization: Bearer <token>`; which token may call',
    'which route is in [security.md](security.md). An error is always `{"error": {"code", "message", "details"}}`;',
    'the words used here are explained in [concepts.md](concepts.md), and [cli.md](cli.md) lists the commands that call these routes.',
    '',
    '## Routes',
    '',
  ];
  for (const tag of tags) {
    lines.push(`- **${tag}**: ${operations.filter((o) => o.tag === tag).map((o) => code(`${o.method.toUpperCase()} ${o.path}`)).join(', ')}`);
  }
  lines.push('');
  for (const tag of tags) {
    lines.push(`## ${tag}`, '');
    for (const { method, path, operation } of operations.filter((o) => o.tag === tag)) lines.push(...renderOperation(method, path, operation));
  }
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

/** The OpenAPI document of an app on a temporary store, which is removed again. */
async function openApiDocument() {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-api-docs-'));
  const store = await openStore({ dataDir: dir });
  try {
    const ctx = { store, timers: readTimers({}), canary: readCanaryDefaults({}), wake: new InProcessWakeSignal(), leadership: new AlwaysLeader(), now: Date.now, log: pino({ level: 'silent' }) };
    const app = await buildApp(ctx, { admin: 'docs-only-admin-token', agent: null });
    try {
      await app.ready();
      return app.swagger();
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const text = renderApiDocs(await openApiDocument());
if (process.argv.includes('--stdout')) process.stdout.write(text);
else writeFileSync(OUT, text);
