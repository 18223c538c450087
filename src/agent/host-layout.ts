/**
 * The on-host layout (DESIGN.md, On-host layout) as path functions, so every module
 * names the same places the same way:
 *
 *   <root>/.tmp/                                   downloads and unpacking in progress
 *   <root>/<service>/releases/<version>/           unpacked, read-only after install
 *   <root>/<service>/instances/<id>/current -> ../../releases/<version>
 *   <root>/<service>/instances/<id>/logs/instance.log
 *   <root>/<service>/instances/<id>/state.json     achieved generation and outcome
 *   <root>/<service>/instances/<id>/pid.json       the running process, for adoption
 *   <root>/<service>/staging/<staging_id>/         a replay's ephemeral staging instance (agent/staging)
 *
 * `.tmp` sits under the root so renames into `releases/` stay on one filesystem and are
 * atomic. Service names never start with a dot, so `.tmp` cannot collide with one.
 */
import path from 'node:path';

/** Scratch space for downloads and unpacking; emptied at agent start. */
export function tmpDir(root: string): string {
  return path.join(root, '.tmp');
}

export function releasesDir(root: string, service: string): string {
  return path.join(root, service, 'releases');
}

export function releaseDir(root: string, service: string, version: string): string {
  return path.join(releasesDir(root, service), version);
}

export function instancesDir(root: string, service: string): string {
  return path.join(root, service, 'instances');
}

export function instanceDir(root: string, service: string, instanceId: string): string {
  return path.join(instancesDir(root, service), instanceId);
}

/** The symlink naming the release an instance runs; its process's working directory. */
export function currentLink(instanceDirPath: string): string {
  return path.join(instanceDirPath, 'current');
}

/**
 * Relative, so the whole root can move without breaking links: from
 * `instances/<id>/current`, two levels up is the service directory.
 */
export function currentLinkTarget(version: string): string {
  return path.posix.join('..', '..', 'releases', version);
}

export function logFile(instanceDirPath: string): string {
  return path.join(instanceDirPath, 'logs', 'instance.log');
}

export function pidFile(instanceDirPath: string): string {
  return path.join(instanceDirPath, 'pid.json');
}

export function stateFile(instanceDirPath: string): string {
  return path.join(instanceDirPath, 'state.json');
}
