import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAccess, type Principal } from './decide-access.js';
import { PERMISSIONS, ROLES, type Permission, type Role } from './roles.js';

const who = (role: Role, host_id: string | null = null): Principal => ({ name: `t-${role}`, role, host_id });

describe('decideAccess', () => {
  it.each<[Permission, Role, boolean]>([
    ['read', 'viewer', true],
    ['read', 'agent', false],
    ['sessions', 'sessions', true],
    ['sessions', 'deployer', false],
    ['deploy', 'deployer', true],
    ['deploy', 'viewer', false],
    ['admin', 'deployer', false],
    ['agent', 'viewer', false],
    ['agent', 'admin', true],
  ])('%s route, %s token → allowed %s', (permission, role, allowed) => {
    expect(decideAccess({ permission, principal: who(role) }).ok).toBe(allowed);
  });

  it('names the role a refused caller needs', () => {
    expect(decideAccess({ permission: 'deploy', principal: who('viewer') })).toMatchObject({
      ok: false,
      kind: 'forbidden',
      code: 'forbidden',
      message: expect.stringContaining('deployer role (or admin)'),
      details: { required_roles: ['deployer', 'admin'], role: 'viewer' },
    });
  });

  it('binds an agent token to its host; the shared agent token acts for any host', () => {
    expect(decideAccess({ permission: 'agent', principal: who('agent', 'h1'), host: 'h1' }).ok).toBe(true);
    expect(decideAccess({ permission: 'agent', principal: who('agent', 'h1'), host: 'h2' })).toMatchObject({ ok: false, kind: 'forbidden', details: { bound_host: 'h1' } });
    expect(decideAccess({ permission: 'agent', principal: who('agent', 'h1') })).toMatchObject({ ok: false });
    expect(decideAccess({ permission: 'agent', principal: who('agent'), host: 'h2' }).ok).toBe(true);
  });

  it('says why a caller without a valid token is refused', () => {
    expect(decideAccess({ permission: 'read', principal: null })).toMatchObject({ kind: 'unauthenticated', code: 'unauthenticated' });
    expect(decideAccess({ permission: 'read', principal: null, tokenProblem: 'invalid' })).toMatchObject({ code: 'invalid_token' });
    expect(decideAccess({ permission: 'read', principal: null, tokenProblem: 'expired' })).toMatchObject({ code: 'token_expired' });
    expect(decideAccess({ permission: 'public', principal: null }).ok).toBe(true);
  });

  it('admin may do everything; the agent role nothing outside agent routes; nobody without a token anything but public (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PERMISSIONS), fc.constantFrom(...ROLES), fc.option(fc.string(), { nil: undefined }), (permission, role, host) => {
        const decision = decideAccess({ permission, principal: who(role), host });
        if (role === 'admin') expect(decision.ok).toBe(true);
        if (role === 'agent' && permission !== 'agent' && permission !== 'public') expect(decision.ok).toBe(false);
        expect(decideAccess({ permission, principal: null }).ok).toBe(permission === 'public');
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
