import { describe, expect, it } from 'vitest';
import { REPORT_TEXT_LIMITS, type InstanceReport } from '../core/agent-protocol.js';
import { boundInstanceReport } from './bound-report.js';

const REPORT: InstanceReport = {
  instance_id: 'web-h1-7001',
  service: 'web',
  status: 'ready',
  version: '1.4.0',
  version_source: { type: 'command', detail: 'sh -c echo 1.4.0 printed 1.4.0 (in the release directory)' },
  version_refusal: null,
  pid: 42,
  achieved_generation: 3,
  outcome: { generation: 3, ok: true, code: null, message: null, switched: true },
};

describe('boundInstanceReport', () => {
  it('leaves a report that fits as it is', () => {
    expect(boundInstanceReport(REPORT)).toEqual(REPORT);
  });

  it('cuts every text to what the server accepts, and drops a version no version can be', () => {
    const long = 'x'.repeat(20_000);
    const bounded = boundInstanceReport({
      ...REPORT,
      version: 'v'.repeat(REPORT_TEXT_LIMITS.version + 1),
      version_source: { type: 'command', detail: long },
      version_refusal: { code: 'foreign_listener', message: long },
      outcome: { generation: 3, ok: false, code: 'version_command_failed', message: long, switched: false },
    });
    expect(bounded.version).toBeNull();
    expect(bounded.version_source?.detail).toHaveLength(REPORT_TEXT_LIMITS.sourceDetail);
    expect(bounded.version_refusal?.message).toHaveLength(REPORT_TEXT_LIMITS.message);
    expect(bounded.outcome?.message).toHaveLength(REPORT_TEXT_LIMITS.message);
    expect(bounded.outcome?.message?.endsWith('…')).toBe(true);
  });

  it('keeps an older report\'s absent fields absent', () => {
    const { version_source: _s, version_refusal: _r, ...older } = REPORT;
    expect(boundInstanceReport(older)).toEqual(older);
  });
});
