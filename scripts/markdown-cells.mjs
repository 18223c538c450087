/**
 * What both doc generators (gen-cli-docs.mjs, gen-api-docs.mjs) write into markdown
 * tables, escaped the same way, so the two references render alike.
 */

/** Prose in a table cell or list: one line, pipes and angle brackets escaped. */
export const cell = (text) =>
  String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');

/** A code span in a table cell: pipes escaped, the rest as written. */
export const code = (text) => `\`${String(text).replace(/\|/g, '\\|')}\``;
