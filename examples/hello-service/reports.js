// hello-service's search and report jobs: what a smoke chain exercises after a rollout
// (search, generate a file, download it). A report is a small real PDF, written by hand
// because the example has no dependencies, generated a moment after it was asked for
// (a job, not an answer) and naming the release that made it. Memory stays bounded:
// only the newest MAX_REPORTS reports are kept.
import { randomBytes } from 'node:crypto';

export const MAX_REPORTS = 100;
const PLACES = ['ferry', 'ferry terminal', 'harbour', 'harbour master', 'pier', 'lighthouse', 'boat', 'dock', 'tide table', 'quay'];

/** The built-in places whose name contains `query` (case-insensitive), at most 10. */
export function search(query) {
  const wanted = query.toLowerCase();
  return PLACES.filter((name) => name.includes(wanted))
    .slice(0, 10)
    .map((name) => ({ id: name.replace(/ /g, '-'), name }));
}

/**
 * Report jobs of one release. `broken` makes every generated file empty: a release whose
 * reports look fine until someone downloads one, which only a smoke chain catches.
 */
export function createReports({ service, version, delayMs, broken }) {
  const reports = new Map();

  function create(query) {
    const id = randomBytes(8).toString('hex');
    const report = { id, query, status: 'pending', file: null };
    reports.set(id, report);
    // Map keeps insertion order: the first key is the oldest report.
    if (reports.size > MAX_REPORTS) reports.delete(reports.keys().next().value);
    const generate = () => {
      const lines = ['hello-service report', `service ${service} version ${version}`, `query: ${query}`, `results: ${search(query).map((r) => r.name).join(', ') || 'none'}`, `generated ${new Date().toISOString()}`];
      report.file = broken ? Buffer.alloc(0) : minimalPdf(lines);
      report.status = 'done';
    };
    // A delay of 0 generates at once, so the answer already says done.
    if (delayMs > 0) setTimeout(generate, delayMs).unref();
    else generate();
    return view(report);
  }

  function view(report) {
    return { id: report.id, status: report.status, query: report.query, bytes: report.file?.length ?? null, download: `/files/${report.id}` };
  }

  return {
    create,
    /** The report's view, or undefined when there is none of that id (never made, or dropped). */
    get: (id) => (reports.has(id) ? view(reports.get(id)) : undefined),
    /** The report's file once generated; null while pending; undefined for an unknown id. */
    file: (id) => (reports.has(id) ? reports.get(id).file : undefined),
  };
}

/** PDF text strings escape \ ( ) and hold printable ASCII only here. */
function pdfText(line) {
  return line.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A one-page PDF 1.4 showing `lines` in Helvetica, with a correct cross-reference table. */
export function minimalPdf(lines) {
  const content = lines.map((line, i) => `BT /F1 14 Tf 72 ${720 - i * 22} Td (${pdfText(line)}) Tj ET`).join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = objects.map((body, i) => {
    const offset = Buffer.byteLength(out, 'latin1');
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
