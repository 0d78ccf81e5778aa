import type { WebClient } from '@slack/web-api';
import type { DirectoryEntry, WorkspaceDirectory } from '../core/access.js';

// Long enough to spare users.info on every click of a busy admin, short enough that a demoted admin
// loses access within a minute.
const cacheMillis = 60_000;

/** The workspace's own view of a person (admin, owner, guest, deactivated), from users.info. */
export function slackWorkspaceDirectory(client: WebClient): WorkspaceDirectory {
  const cache = new Map<string, { entry: DirectoryEntry | null; until: number }>();
  // usergroups.users.list is Tier 2 (20 a minute): one call per group per minute at most.
  const groups = new Map<string, { members: readonly string[]; until: number }>();
  return {
    async groupMembers(groupId) {
      const cached = groups.get(groupId);
      if (cached && cached.until > Date.now()) return cached.members;
      let members: readonly string[];
      try {
        members = (await client.usergroups.users.list({ usergroup: groupId })).users ?? [];
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error !== 'no_such_subteam') throw error;
        members = [];
      }
      groups.set(groupId, { members, until: Date.now() + cacheMillis });
      return members;
    },
    async lookUp(userId) {
      const cached = cache.get(userId);
      if (cached && cached.until > Date.now()) return cached.entry;
      let entry: DirectoryEntry | null;
      try {
        const { user } = await client.users.info({ user: userId });
        entry = user
          ? {
              teamId: user.team_id,
              isAdmin: user.is_admin === true,
              isOwner: user.is_owner === true || user.is_primary_owner === true,
              isRestricted: user.is_restricted === true || user.is_ultra_restricted === true,
              isBot: user.is_bot === true,
              deleted: user.deleted === true,
            }
          : null;
      } catch (error) {
        if ((error as { data?: { error?: string } }).data?.error !== 'user_not_found') throw error;
        entry = null;
      }
      cache.set(userId, { entry, until: Date.now() + cacheMillis });
      return entry;
    },
  };
}
