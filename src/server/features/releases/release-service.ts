/**
 * Registering a release: validate, refuse any change to an existing service+version
 * (409 `release_immutable`), and record the event in the same transaction. Ferry stores
 * the declared sha256 without fetching the package; agents verify it on download.
 */
import { ConflictError, InputError, NotFoundError } from '../../../core/errors.js';
import { checkBuildTime, checkPackageUrl, checkServiceName, checkSha256, checkVersion } from '../../../core/names.js';
import { firstFailure, type Check } from '../../../core/result.js';
import type { Release } from '../../../core/types.js';
import type { Store } from '../../../store/store.js';
import type { ServerContext } from '../../server-context.js';
import { recordEvent, transactionWithEvents } from '../../events/record-event.js';
import { callerEventIds, type Caller } from '../shared/caller.js';

export interface ReleaseInput {
  service: string;
  version: string;
  package_url: string;
  sha256: string;
  git_sha?: string | null;
  build_time?: string | null;
}

/** POST /api/v1/releases: checks `input`, then stores it or finds it already registered, in one transaction. */
export async function registerRelease(ctx: ServerContext, input: ReleaseInput, caller: Caller): Promise<{ release: Release; created: boolean }> {
  return transactionWithEvents(ctx.store, ctx.events, async (tx) => storeRelease(tx, checkedRelease(input, ctx.now()), caller));
}

/** `input` as the release it would store, or the contract's 400 naming its first malformed field. */
export function checkedRelease(input: ReleaseInput, now: number): Release {
  return releaseOf(input, now, firstFailure(checkServiceName(input.service), checkVersion(input.version), ...packageChecks(input)));
}

/**
 * The same for a deployment that registers its release on the way: the service and
 * version are the deployment's own, checked once as its names, so only the package's
 * fields are checked here.
 */
export function checkedPackage(input: ReleaseInput, now: number): Release {
  return releaseOf(input, now, firstFailure(...packageChecks(input)));
}

/**
 * Inserts `release` (already checked) and records `release_registered` in `tx`; an
 * identical release already registered is found instead (created false), and another
 * package under the same service and version is refused (409 release_immutable).
 */
export async function storeRelease(tx: Store, release: Release, caller: Caller): Promise<{ release: Release; created: boolean }> {
  const existing = await registeredTwin(tx, release);
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
}

/**
 * The release already registered under `release`'s service and version when it is the
 * same package, undefined when none is; versions are immutable, so another package
 * there is refused (409 release_immutable). A deployment's dry run asks this too, so it
 * refuses exactly what the real request refuses, and writes nothing.
 */
export async function registeredTwin(store: Store, release: Release): Promise<Release | undefined> {
  const existing = await store.getRelease(release.service, release.version);
  if (existing === undefined) return undefined;
  if (existing.sha256 === release.sha256 && existing.package_url === release.package_url) return existing;
  throw new ConflictError('release_immutable', `release ${release.service} ${release.version} is already registered with another sha256 or package; versions are immutable, register a new version`, {
    registered: { sha256: existing.sha256, package_url: existing.package_url },
  });
}

/** sha256 is compared and stored in lower case. */
function packageChecks(input: ReleaseInput): Check[] {
  return [checkSha256(input.sha256.toLowerCase()), checkPackageUrl(input.package_url), checkBuildTime(input.build_time)];
}

function releaseOf(input: ReleaseInput, now: number, check: Check): Release {
  if (!check.ok) throw new InputError(check.reason, check.message);
  return {
    service: input.service,
    version: input.version,
    package_url: input.package_url,
    sha256: input.sha256.toLowerCase(),
    git_sha: input.git_sha ?? null,
    build_time: input.build_time ?? null,
    registered_at: now,
  };
}

/** The registered release, or 404 `release_not_found`: for routes about one release (evidence, readiness, replay). */
export async function requireRelease(store: Store, service: string, version: string): Promise<Release> {
  const release = await store.getRelease(service, version);
  if (release === undefined) throw new NotFoundError('release_not_found', `release ${service} ${version} is not registered`, { service, version });
  return release;
}
