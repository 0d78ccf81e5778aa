import type { Actor } from '../core/access.js';

/**
 * Who is acting, from the signed payload Slack sent: a slash command names the user and team at its
 * top level, a click or a modal submission in `user`. Never from anything the app itself put into a
 * payload (a button's value, a view's private_metadata): those can be forged by whoever holds them.
 */
export function actorOf(
  payload:
    | { user_id: string; team_id?: string | undefined }
    | { user: { id: string; team_id?: string | null | undefined } },
): Actor {
  if ('user' in payload) {
    const teamId = payload.user.team_id;
    return { userId: payload.user.id, ...(teamId ? { teamId } : {}) };
  }
  return { userId: payload.user_id, ...(payload.team_id ? { teamId: payload.team_id } : {}) };
}
