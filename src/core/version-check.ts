/**
 * How an agent proves which version an instance runs (CONTRACT §2 `version_check`). The
 * version Ferry shows must be proven, never hoped: by the instance's own answer (`http`),
 * by the operating system's view of the process listening on the instance's port
 * (`process`), or by a command run from the release (`command`).
 */
import { resolvePointer } from './smoke/json-pointer.js';

export type VersionCheck =
  | {
      type: 'http';
      path: string;
      /** Dotted path into the JSON answer; default `version`. Ignored when `header` is set. */
      field?: string;
      /** A response header that carries the version, instead of a JSON field. */
      header?: string;
    }
  | { type: 'process' }
  | {
      type: 'command';
      /** argv, run in the release directory without a shell; its stdout must contain the version. */
      command: string[];
      /** Killed after this long; default COMMAND_CHECK_TIMEOUT_MS. */
      timeout_ms?: number;
    };

export type VersionCheckType = VersionCheck['type'];

/** How one observation's version was proven: shown on instance views, in `ferry versions` and drift reasons. */
export interface VersionSource {
  type: VersionCheckType;
  /** One line a person can check by hand, e.g. `pid 4242 (node) listens on :7001, cwd and script in releases/1.4.0`. */
  detail: string;
}

/**
 * What a version probe established besides the version: how it was proven, or — for
 * `process` — why the code on the instance's port is not the code Ferry started
 * (`foreign_listener`: the listening socket belongs to no process of the tree the agent
 * started; `outside_release`: it does, but runs from outside `releases/<version>/`).
 * A refusal is drift, like a wrong `/version` answer.
 */
export interface VersionProof {
  source: VersionSource | null;
  /** A reason (`{code, message}`, as everywhere in Ferry); spelled out here so this module needs nothing from types.ts. */
  refusal: { code: string; message: string } | null;
}

export const VERSION_REFUSAL_CODES = ['foreign_listener', 'outside_release'] as const;

/** A `command` check's default deadline and the most stdout it reads. */
export const COMMAND_CHECK_TIMEOUT_MS = 5000;
export const COMMAND_OUTPUT_MAX_BYTES = 64 * 1024;

/** A dotted path into JSON: names of letters, digits, `_` and `-`, joined by dots. */
export const DOTTED_FIELD_PATTERN = '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$';

/** The check a service uses: its `version_check`, else `http` on its `version_path` (the v1 behaviour). */
export function effectiveVersionCheck(service: { version_check?: VersionCheck | null; version_path: string }): VersionCheck {
  return service.version_check ?? { type: 'http', path: service.version_path };
}

/**
 * The value at a dotted path of parsed JSON, when it is a string; else null. A dotted path
 * holds no `/` or `~` (DOTTED_FIELD_PATTERN), so it is the JSON pointer of its names.
 */
export function fieldAt(json: unknown, field: string): string | null {
  const found = resolvePointer(json, `/${field.split('.').join('/')}`);
  return found.found && typeof found.value === 'string' ? found.value : null;
}

/** How a check reads in one line, e.g. `http GET /about field build.version`, for plans and messages. */
export function describeVersionCheck(check: VersionCheck): string {
  switch (check.type) {
    case 'http':
      return `http GET ${check.path} ${check.header !== undefined ? `header ${check.header}` : `field ${check.field ?? 'version'}`}`;
    case 'process':
      return 'process (the listener on the port, read from /proc)';
    case 'command':
      return `command ${check.command.join(' ')}`;
  }
}
