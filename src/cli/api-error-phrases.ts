/**
 * The API's error messages speak HTTP ("declare it with PUT /api/v1/services/S"), which is
 * right for API callers but not for someone at a shell. This is the one place the CLI
 * rewords an API error, chosen by its stable `code` and built from its `details`, so that
 * it names the `ferry` command to run instead. Codes it does not know keep the server's
 * message as is.
 */

/** What an API error body carried. */
export interface ApiErrorFacts {
  code?: string;
  message: string;
  details: Record<string, unknown>;
}

/** The service an error is about, when its details name one. */
export function serviceNamed(error: ApiErrorFacts): string | null {
  const service = error.details.service;
  return typeof service === 'string' && service !== '' ? service : null;
}

/**
 * The message in the CLI's words. `suggestion`: an existing service close to the unknown one
 * (see closest-name.ts), for `service_not_found`.
 *   service_not_found helo, suggestion hello →
 *     "service helo does not exist (did you mean hello?); declare it with: ferry service put helo --start … --instance HOST:PORT"
 *   release_not_registered hello 9 → "release hello 9 is not registered; register it with: ferry release add hello 9 --package-url …"
 */
export function inCliWords(error: ApiErrorFacts, suggestion: string | null = null): string {
  const service = serviceNamed(error);
  const version = typeof error.details.version === 'string' ? error.details.version : null;
  switch (error.code) {
    case 'service_not_found':
      if (service === null) break;
      return `service ${service} does not exist${suggestion !== null ? ` (did you mean ${suggestion}?)` : ''}; declare it with: ${servicePut(service)}`;
    case 'no_instances':
      if (service === null) break;
      return `service ${service} has no instances; add them with: ${servicePut(service)}`;
    case 'release_not_registered':
      if (service === null || version === null) break;
      return `release ${service} ${version} is not registered; register it with: ferry release add ${service} ${version} --package-url …`;
  }
  return error.message;
}

function servicePut(service: string): string {
  return `ferry service put ${service} --start … --instance HOST:PORT`;
}
