/**
 * Placeholders in operator-written templates: traffic commands and server names
 * (CONTRACT §5 `{service} {instance} {host} {port} {weight} {action}`) and PromQL analysis
 * queries (`{service} {version} {baseline_version} {instance}`). A placeholder is a name in
 * braces with nothing else inside, so PromQL's own label matchers (`{version="…"}`) are
 * not mistaken for one. Rendering substitutes whole arguments' parts only: commands run
 * without a shell, so a value can never become a second argument.
 */

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The placeholder names `template` uses, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * The names `templates` use that `allowed` does not list.
 *   ["curl", "{host}:{port}"], allowed host, port → []
 *   ["echo", "{secret}"],       allowed host     → ["secret"]
 */
export function unknownPlaceholders(templates: readonly string[], allowed: readonly string[]): string[] {
  return [...new Set(templates.flatMap(placeholdersIn))].filter((name) => !allowed.includes(name));
}

/** `template` with every known placeholder replaced by its value; unknown ones are left as written. */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}
