/**
 * Registering a release: validate, refuse any change to an existing service+version
 * (409 `release_immutable`), and record the event in the same transaction. Ferry stores
 * the declared sha256 without fetching the package; agents verify it on download.
 */
import type { TraceContext } from '../../../core/correlation/trace-context.js';
import { ConflictError } from '../../../core/errors.js';
import { checkBuildTime, checkPackageUrl, checkServiceName, checkSha256, checkVersion } from '../../../core/names.js';
import { firstFailure } from '../../../core/result.js';
import type { Release } from '../../../core/types.js';
import { InputError } from '../../../core/errors.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { callerEventIds } from '../shared/caller-event-ids.js';

export interface ReleaseInput {
  service: string;
  version: string;
  package_url: string;
  sha256: string;
  git_sha?: string | null;
  build_time?: string | null;
}

export interface Caller {
  actor: string;
  correlationId: string;
  /** The request's id (x-request-id); absent for work no request started. */
  requestId?: string;
  /** The trace context work this request starts parents under; absent or null when there is none. */
  traceContext?: TraceContext | null;
}

export async function registerRelease(ctx: ServerContext, input: ReleaseInput, caller: Caller, store: Store = ctx.store): Promise<{ release: Release; created: boolean }> {
  return transactionWithEvents(store, ctx.events, async (tx) => {
    const { release, existing } = await checkReleaseRegistration(tx, input, ctx.now());
    if (existing !== undefined) return { release: existing, created: false };
    await tx.insertRelease(release);
    await recordEvent(tx, {
      at: release.registered_at,
      type: 'release_registered',
      service: release.service,
      version: release.version,
      instance_id: null,
      deploy_id: null,
      actor: caller.actor,
      correlation_id: caller.correlationId,
      ...callerEventIds(caller),
      details: { sha256: release.sha256, package_url: release.package_url, git_sha: release.git_sha },
    });
    return { release, created: true };
  });
}

/**
 * Every refusal registering `input` would give, and nothing written: the release as it
 * would be stored, and the identical one already registered (then nothing is to be done).
 * A deployment's dry run asks this, so it refuses exactly what the real request refuses.
 */
export async function checkReleaseRegistration(store: Store, input: ReleaseInput, now: number): Promise<{ release: Release; existing: Release | undefined }> {
  const sha256 = input.sha256.toLowerCase();
  const check = firstFailure(checkServiceName(input.service), checkVersion(input.version), checkSha256(sha256), checkPackageUrl(input.package_url), checkBuildTime(input.build_time));
  if (!check.ok) throw new InputError(check.reason, check.message);
  const release: Release = {
    service: input.service,
    version: input.version,
    package_url: input.package_url,
    sha256,
    git_sha: input.git_sha ?? null,
    build_time: input.build_time ?? null,
    registered_at: now,
  };
  const existing = await store.getRelease(release.service, release.version);
  if (existing === undefined) return { release, existing };
  if (existing.sha256 === release.sha256 && existing.package_url === release.package_url) return { release, existing };
  throw new ConflictError('release_immutable', `release ${release.service} ${release.version} is already registered with another sha256 or package; versions are immutable, register a new version`, {
    registered: { sha256: existing.sha256, package_url: existing.package_url },
  });
}
