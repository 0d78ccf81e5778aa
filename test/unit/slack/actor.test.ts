import { describe, expect, it } from 'vitest';
import { actorOf } from '../../../src/slack/actor.js';

describe('the actor of a signed Slack payload', () => {
  it('is the user and team of a slash command', () => {
    expect(actorOf({ user_id: 'U1', team_id: 'T1' })).toEqual({ userId: 'U1', teamId: 'T1' });
  });

  it('is the user of a click or a submission, with their team when Slack names one', () => {
    expect(actorOf({ user: { id: 'U2', team_id: 'T2' } })).toEqual({ userId: 'U2', teamId: 'T2' });
    expect(actorOf({ user: { id: 'U3', team_id: null } })).toEqual({ userId: 'U3' });
    expect(actorOf({ user: { id: 'U4' } })).toEqual({ userId: 'U4' });
  });
});
