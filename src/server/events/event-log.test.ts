import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../core/events/event-catalogue.js';
import { eventLogLine } from './event-log.js';

const envelope = { id: 7, at: 1, service: 'web', version: 'v2', instance_id: 'web-h1-1', deploy_id: 'dep-1', actor: 'admin', correlation_id: 'corr-1' };

describe('eventLogLine', () => {
  it('logs an event without a reason at info with the §3 fields it knows', () => {
    const event = { ...envelope, type: 'instance_deployed', details: { kind: 'deploy' } } as RecordedEvent;
    expect(eventLogLine(event)).toEqual({
      level: 'info',
      message: 'instance_deployed',
      fields: { event_id: 7, event_type: 'instance_deployed', correlation_id: 'corr-1', deploy_id: 'dep-1', service: 'web', instance_id: 'web-h1-1', version: 'v2', actor: 'admin' },
    });
  });

  it('logs a failure once at warn with its error_code and reason, and leaves out what the event does not know', () => {
    const event = { ...envelope, instance_id: null, version: null, type: 'deploy_failed', details: { kind: 'deploy', rolled_back: true, reason: { code: 'healthy_deadline', message: 'web-h1-1 was not ready within 4 s' } } } as RecordedEvent;
    const line = eventLogLine(event);
    expect(line).toMatchObject({ level: 'warn', message: 'deploy_failed: web-h1-1 was not ready within 4 s', fields: { error_code: 'healthy_deadline', deploy_id: 'dep-1' } });
    expect(line.fields).not.toHaveProperty('instance_id');
    expect(line.fields).not.toHaveProperty('stack');
  });

  it('takes a reason only when it has a code and a message', () => {
    const event = { ...envelope, type: 'deploy_started', details: { kind: 'deploy', instances: [], reason: 'drift_rebuild' } } as unknown as RecordedEvent;
    expect(eventLogLine(event).level).toBe('info');
  });
});
