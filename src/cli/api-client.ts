/**
 * The CLI's only way to the server: HTTP with the bearer token, JSON in and out, and
 * every non-2xx answer or network failure turned into a `CliFailure` whose exit code
 * follows CONTRACT §1 (see exit-codes.ts). Commands never look at raw responses.
 */
import { inCliWords, serviceNamed, type ApiErrorFacts } from './api-error-phrases.js';
import { closestName } from './closest-name.js';
import { exchange, type ExchangeAnswer } from './http-exchange.js';
import { CliFailure, EXIT_UNREACHABLE, exitCodeForStatus, usageFailure } from './exit-codes.js';

/** One API call can take this long before the CLI gives up on the server. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export type QueryValue = string | number | undefined;

export class ApiClient {
  private readonly base: URL;
  private ca: Promise<string | undefined> | null = null;

  /** `caFile`: PEM certificates to verify an https server with, instead of the system roots. */
  constructor(
    server: string,
    private readonly token: string | null,
    private readonly caFile?: string,
  ) {
    this.base = parseServerUrl(server);
  }

  /** The CA certificates from `caFile`, read on the first call only; undefined for the system roots. */
  private trustedCa(): Promise<string | undefined> {
    if (this.ca !== null) return this.ca;
    if (this.caFile === undefined || this.caFile === '') return (this.ca = Promise.resolve(undefined));
    const caFile = this.caFile;
    this.ca = import('../transport/fetch-with-ca.js').then(({ readCaFile }) => readCaFile(caFile)).catch((error: unknown) => {
      throw usageFailure(`--ca-file: ${(error as Error).message}`);
    });
    return this.ca;
  }

  get serverUrl(): string {
    return this.base.href.replace(/\/$/, '');
  }

  async get<T>(path: string, query: Record<string, QueryValue> = {}): Promise<T> {
    return (await this.send<T>('GET', withQuery(path, query))).body;
  }

  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return (await this.send<T>('POST', path, body)).body;
  }

  async put<T>(path: string, body: unknown): Promise<T> {
    return (await this.send<T>('PUT', path, body)).body;
  }

  /** The full answer, for commands that tell 200 from 201. */
  async send<T>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token !== null) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const ca = await this.trustedCa();
    let response: ExchangeAnswer;
    try {
      response = await exchange(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeoutMs: REQUEST_TIMEOUT_MS,
        ...(ca !== undefined ? { ca } : {}),
      });
    } catch (error) {
      throw unreachable(this.serverUrl, error);
    }
    const { text } = response;
    if (response.status < 200 || response.status > 299) throw await this.apiFailure(response.status, text);
    return { status: response.status, body: (text === '' ? null : parseJson(text, response.status)) as T };
  }

  /**
   * What a command with a long-lived request of its own (`ferry audit --follow`) needs to
   * send it: the URL with its query, the bearer token header and the CA to trust.
   */
  async streamTarget(path: string, query: Record<string, QueryValue>): Promise<{ url: URL; headers: Record<string, string>; ca?: string }> {
    const ca = await this.trustedCa();
    return {
      url: new URL(withQuery(path, query).replace(/^\//, ''), this.base),
      headers: this.token !== null ? { authorization: `Bearer ${this.token}` } : {},
      ...(ca !== undefined ? { ca } : {}),
    };
  }

  /** The failure a non-2xx answer means, worded and coded as for every other call. */
  failureFor(status: number, text: string): Promise<CliFailure> {
    return this.apiFailure(status, text);
  }

  /** The failure a network error means (the server is not there, or stopped answering). */
  unreachable(error: unknown): CliFailure {
    return unreachable(this.serverUrl, error);
  }

  private async apiFailure(status: number, text: string): Promise<CliFailure> {
    const error = readErrorBody(text);
    let message = error === null ? `the server answered HTTP ${status}` : inCliWords(error, await this.suggestionFor(error));
    if (status === 401 && this.token === null) {
      message += ' (no token given: pass --token, set FERRY_TOKEN, or run where ./.ferry/admin.token exists)';
    }
    return new CliFailure(message, exitCodeForStatus(status, error?.code, error?.details), {
      status,
      retryable: status === 503 || status === 502 || status === 504,
      ...(error?.code !== undefined ? { code: error.code } : {}),
    });
  }

  /** For an unknown service, the existing one its name is a likely typo of; null when none or the list is unavailable. */
  private async suggestionFor(error: ApiErrorFacts): Promise<string | null> {
    const service = serviceNamed(error);
    if (error.code !== 'service_not_found' || service === null) return null;
    try {
      const listed = await this.get<{ services?: Array<{ service?: unknown }> }>('/api/v1/services');
      const names = (listed?.services ?? []).map((s) => s.service).filter((name): name is string => typeof name === 'string');
      return closestName(service, names);
    } catch {
      return null;
    }
  }
}

function parseServerUrl(server: string): URL {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw usageFailure(`--server "${server}" is not a URL (expected e.g. http://127.0.0.1:7400)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageFailure(`--server must be http or https, not ${url.protocol}`);
  // A base with a trailing slash keeps any path prefix (a server behind a proxy) when joining.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** The contract's error body `{error: {code, message, details}}`, or null when the body is not one. */
function readErrorBody(text: string): ApiErrorFacts | null {
  try {
    const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    const error = parsed.error;
    if (error === undefined || error === null || typeof error !== 'object' || typeof error.message !== 'string') return null;
    const details = typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {};
    return { ...(typeof error.code === 'string' ? { code: error.code } : {}), message: error.message, details };
  } catch {
    return null;
  }
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliFailure(`the server answered HTTP ${status} with a body that is not JSON`, EXIT_UNREACHABLE);
  }
}

function unreachable(server: string, error: unknown): CliFailure {
  const failure = error as { name?: string; code?: unknown; message?: string } | undefined;
  const why = failure?.name === 'TimeoutError' ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : typeof failure?.code === 'string' ? failure.code : (failure?.message ?? String(error));
  return new CliFailure(`cannot reach the ferry server at ${server}: ${why}`, EXIT_UNREACHABLE, { retryable: true });
}
