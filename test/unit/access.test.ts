import { describe, expect, it } from 'vitest';
import { AccessPolicy, type DirectoryEntry, type WorkspaceDirectory } from '../../src/core/access.js';

const member: DirectoryEntry = {
  teamId: 'T1',
  isAdmin: false,
  isOwner: false,
  isRestricted: false,
  isBot: false,
  deleted: false,
};

function directory(entries: Record<string, Partial<DirectoryEntry>>, groups: Record<string, string[]> = {}) {
  return {
    lookUp: async (userId: string) => (entries[userId] ? { ...member, ...entries[userId] } : null),
    groupMembers: async (groupId: string) => groups[groupId] ?? [],
  } satisfies WorkspaceDirectory;
}

const people = directory({
  UADMIN: {},
  UGUEST: { isRestricted: true },
  UGONE: { deleted: true },
  UREADER: {},
  UMEMBER: {},
  UWSADMIN: { isAdmin: true },
});

describe('who may do what', () => {
  it('never lets a guest or a deactivated account read, even listed by name in FLIGHTIQ_READERS', async () => {
    const access = new AccessPolicy({
      admins: ['UADMIN'],
      readers: ['UREADER', 'UGUEST', 'UGONE'],
      directory: people,
      teamId: 'T1',
    });
    expect(await access.canRead({ userId: 'UREADER' })).toBe(true);
    expect(await access.canRead({ userId: 'UGUEST' })).toBe(false);
    expect(await access.canRead({ userId: 'UGONE' })).toBe(false);
    expect(await access.canRead({ userId: 'UMEMBER' })).toBe(false);
  });

  it('never lets a guest or a deactivated account administer, even listed in FLIGHTIQ_ADMINS', async () => {
    const access = new AccessPolicy({
      admins: ['UADMIN', 'UGUEST', 'UGONE'],
      directory: people,
      teamId: 'T1',
    });
    expect(await access.isAdmin({ userId: 'UADMIN' })).toBe(true);
    expect(await access.isAdmin({ userId: 'UGUEST' })).toBe(false);
    expect(await access.isAdmin({ userId: 'UGONE' })).toBe(false);
    expect(await access.canRead({ userId: 'UGUEST' })).toBe(false);
  });

  it('lets operators and admins change a mapping profile, and neither approvers nor readers', async () => {
    const access = new AccessPolicy({
      admins: ['UADMIN'],
      readers: ['UREADER'],
      operators: ['UMEMBER', 'UGUEST'],
      approvers: ['UWSADMIN'],
      directory: people,
      teamId: 'T1',
    });
    expect(await access.canMap({ userId: 'UADMIN' })).toBe(true);
    expect(await access.canMap({ userId: 'UMEMBER' })).toBe(true);
    expect(await access.canMap({ userId: 'UGUEST' })).toBe(false);
    expect(await access.canMap({ userId: 'UWSADMIN' })).toBe(false);
    expect(await access.canMap({ userId: 'UREADER' })).toBe(false);
  });

  it('without FLIGHTIQ_READERS, lets full members read and refuses guests', async () => {
    const access = new AccessPolicy({ admins: [], directory: people, teamId: 'T1' });
    expect(await access.canRead({ userId: 'UMEMBER' })).toBe(true);
    expect(await access.canRead({ userId: 'UGUEST' })).toBe(false);
    expect(await access.isAdmin({ userId: 'UWSADMIN' })).toBe(true);
  });
});
