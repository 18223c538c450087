/**
 * Test support (not built): a real webhook receiver on 127.0.0.1 that records what it
 * accepted, checks `X-Ferry-Signature` against the shared secret, and can refuse its
 * first N requests with a 503 (a receiver coming back from an outage).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/** What the webhook sends. */
export interface WebhookBody {
  alerts: Array<Record<string, unknown>>;
}

export interface ReceivedDelivery {
  path: string;
  /** The JSON body: `{alerts:[…]}` from the webhook, a list from the Alertmanager sender. */
  body: unknown;
  signatureValid: boolean | null;
}

export class WebhookReceiver {
  readonly accepted: ReceivedDelivery[] = [];
  refused = 0;
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** The base URL, for a sender that appends its own path (Alertmanager's `/api/v2/alerts`). */
  get baseUrl(): string {
    return this.url.replace(/\/hook$/, '');
  }

  static async start(opts: { secret?: string; failFirst?: number } = {}): Promise<WebhookReceiver> {
    let toFail = opts.failFirst ?? 0;
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (toFail > 0) {
          toFail -= 1;
          receiver!.refused += 1;
          res.writeHead(503).end();
          return;
        }
        const raw = Buffer.concat(chunks);
        const given = req.headers['x-ferry-signature'];
        let signatureValid: boolean | null = null;
        if (opts.secret !== undefined) {
          const expected = Buffer.from(`sha256=${createHmac('sha256', opts.secret).update(raw).digest('hex')}`);
          signatureValid = typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), expected);
        }
        receiver!.accepted.push({ path: req.url ?? '', body: JSON.parse(raw.toString('utf8')), signatureValid });
        res.writeHead(signatureValid === false ? 401 : 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hook`);
    return receiver;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
