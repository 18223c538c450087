/**
 * Lets `release add` and `deploy` point at a package built by `ferry package` on this
 * machine: a local path becomes an absolute `file://` URL, and a missing `--sha256` is
 * read from the sibling `<package>.sha256` that `ferry package` wrote (the digest still
 * travels to the server, which stores it, and agents verify it on download). The
 * sibling `S-V.manifest.json` of the same digest supplies git_sha and build_time, and a
 * manifest naming another service or version than the one given refuses the reference.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { usageFailure } from './exit-codes.js';

export interface PackageReference {
  package_url: string;
  sha256?: string;
  git_sha?: string | null;
  build_time?: string;
}

const URL_WITH_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `sha256Required`: release registration needs a digest; a deployment of a registered release does not. */
export function resolvePackageReference(packageUrl: string, sha256: string | undefined, sha256Required: boolean): PackageReference {
  let url = packageUrl.trim();
  if (!URL_WITH_SCHEME.test(url)) {
    const path = resolve(url);
    if (!existsSync(path)) throw usageFailure(`package ${url} does not exist (give an http(s):// or file:// URL, or a local path)`);
    url = pathToFileURL(path).href;
  }
  const digest = sha256?.trim().toLowerCase() || siblingDigest(url);
  if (digest === undefined) {
    if (sha256Required) throw usageFailure('--sha256 is required (it may be left out only for a local package with a sibling .sha256 file)');
    return { package_url: url };
  }
  return { package_url: url, sha256: digest, ...siblingIdentity(url, digest) };
}

/** The digest in `<file>.sha256` (`<hex>  <name>`, as sha256sum writes it), for a file:// package. */
function siblingDigest(url: string): string | undefined {
  if (!url.toLowerCase().startsWith('file://')) return undefined;
  const sidecar = `${fileURLToPath(url)}.sha256`;
  let text: string;
  try {
    text = readFileSync(sidecar, 'utf8');
  } catch {
    return undefined;
  }
  const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!/^[0-9a-f]{64}$/.test(digest)) throw usageFailure(`${sidecar} does not start with a 64-digit hex sha256`);
  return digest;
}

/** git_sha and build_time from the `S-V.manifest.json` beside `S-V.tar.gz`, when it describes this digest. */
function siblingIdentity(url: string, digest: string): Pick<PackageReference, 'git_sha' | 'build_time'> {
  const manifest = siblingManifest(url)?.content;
  if (manifest === undefined || manifest.sha256 !== digest) return {};
  return {
    ...(typeof manifest.git_sha === 'string' || manifest.git_sha === null ? { git_sha: manifest.git_sha } : {}),
    ...(typeof manifest.build_time === 'string' ? { build_time: manifest.build_time } : {}),
  };
}

/**
 * For a local package (a path or file:// URL), refuse when the `S-V.manifest.json` beside it
 * describes another service or version than `service` and `version`: registering
 * hello-1.0.0.tar.gz as hello 1.1.0 would make a version that lies about its code. No
 * manifest, or one that cannot be read, checks nothing.
 */
export function checkPackageIdentity(reference: PackageReference, service: string, version: string): void {
  const manifest = siblingManifest(reference.package_url);
  if (manifest === null) return;
  const { file, content } = manifest;
  if (typeof content.service === 'string' && content.service !== service) {
    throw usageFailure(`${file} is a package of service ${content.service}, not ${service}; nothing registered`);
  }
  if (typeof content.version === 'string' && content.version !== version) {
    throw usageFailure(`${file} is version ${content.version} of ${service}, not ${version}; nothing registered`);
  }
}

function siblingManifest(url: string): { file: string; content: Record<string, unknown> } | null {
  if (!url.toLowerCase().startsWith('file://') || !url.endsWith('.tar.gz')) return null;
  const file = fileURLToPath(url).replace(/\.tar\.gz$/, '.manifest.json');
  try {
    const content = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof content === 'object' && content !== null ? { file, content: content as Record<string, unknown> } : null;
  } catch {
    return null;
  }
}
