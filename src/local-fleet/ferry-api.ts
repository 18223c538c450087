/**
 * A small client of Ferry's HTTP API for programs that drive Ferry (demo, tests,
 * benchmarks). Non-2xx answers become `FerryApiError` carrying the contract's error body.
 */
export class FerryApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
    readonly headers: Headers,
  ) {
    super(`${status} ${code}: ${message}`);
  }

  /** The error body's `details` (empty when it has none). */
  get details(): Record<string, unknown> {
    const details = (this.body as { error?: { details?: unknown } } | null)?.error?.details;
    return details !== null && typeof details === 'object' ? (details as Record<string, unknown>) : {};
  }
}

/** The refusal a call ends in; throws when it succeeded or failed otherwise. For tests. */
export async function refusalOf(call: Promise<unknown>): Promise<FerryApiError> {
  const error = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(error instanceof FerryApiError)) throw new Error(`expected an API refusal, got ${String(error)}`);
  return error;
}

export class FerryApi {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  get<T = any>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  put<T = any>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const text = await this.exchange(method, path, body);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A GET whose answer is not JSON (e.g. /metrics), as text. */
  text(path: string): Promise<string> {
    return this.exchange('GET', path);
  }

  private async exchange(method: string, path: string, body?: unknown): Promise<string> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      const parsed = parseOrUndefined(text);
      const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new FerryApiError(response.status, error?.code ?? 'unknown', error?.message ?? text, parsed, response.headers);
    }
    return text;
  }

  /** Polls a deployment until it reaches a terminal status. */
  waitForDeployment(id: string, timeoutMs = 60_000): Promise<any> {
    return this.waitForTerminal(`/api/v1/deployments/${id}`, ['succeeded', 'failed', 'rolled_back', 'aborted'], timeoutMs);
  }

  waitForRollback(id: string, timeoutMs = 60_000): Promise<any> {
    return this.waitForTerminal(`/api/v1/rollbacks/${id}`, ['succeeded', 'failed'], timeoutMs);
  }

  /** Polls a staging replay until it completed or failed. */
  waitForReplay(id: string, timeoutMs = 60_000): Promise<any> {
    return this.waitForTerminal(`/api/v1/replays/${id}`, ['completed', 'failed'], timeoutMs);
  }

  private async waitForTerminal(path: string, terminal: string[], timeoutMs: number): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.get(path);
      if (terminal.includes(state.status)) return state;
      if (Date.now() > deadline) throw new Error(`${path} still ${state.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
