import { describe, expect, it } from 'vitest';
import {
  authorOf,
  type DriftTarget,
  pickDriftActivity,
  routingChanges,
} from '../../../src/core/credentials/drift-details.js';
import { type Activity, activitySchema } from '../../../src/pingone/activities.js';

/**
 * Which audit activity names who changed a drifted flow: the newest change of that flow since
 * FlightIQ's write, never another flow's, never a flow run, never FlightIQ's own write.
 */

const worker = '5e0f1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';
const checkout: DriftTarget = { id: 'c0c0c0c0c0c0c0c0c0c0c0c0c0c0c001', name: 'Checkout', kind: 'flow' };
const written = new Date(Date.now() - 3 * 60 * 60_000);
const minutesAfterWrite = (minutes: number) => new Date(written.getTime() + minutes * 60_000).toISOString();

function activity(
  minutes: number,
  actor: { user?: string; client?: string },
  resource: { id?: string; name?: string; type?: string } = { id: checkout.id, type: 'DAVINCI_FLOW' },
  extra: Record<string, unknown> = {},
): Activity {
  return activitySchema.parse({
    id: `a${minutes}`,
    recordedAt: minutesAfterWrite(minutes),
    action: { type: 'DAVINCI_FLOW.UPDATED' },
    actors: {
      ...(actor.user ? { user: { id: `u-${actor.user}`, name: actor.user, type: 'USER' } } : {}),
      ...(actor.client ? { client: { id: actor.client, name: 'client', type: 'CLIENT' } } : {}),
    },
    resources: [resource],
    result: { status: 'SUCCESS' },
    ...extra,
  });
}

describe('picking the activity that changed a drifted flow', () => {
  it('is the newest change of that flow since the write, whatever order the audit lists them in', () => {
    const picked = pickDriftActivity(
      [
        activity(10, { user: 'Carol', client: 'console' }),
        activity(50, { user: 'Dana Admin', client: 'console' }),
        activity(30, { user: 'Bob', client: 'console' }),
      ],
      checkout,
      written,
      worker,
    );
    expect(picked?.activity.actors?.user?.name).toBe('Dana Admin');
    expect(picked?.at.toISOString()).toBe(minutesAfterWrite(50));
  });

  it("ignores FlightIQ's own writes, other flows, flow runs, failed attempts and what came before the write", () => {
    const picked = pickDriftActivity(
      [
        activity(20, { user: 'Dana Admin', client: 'console' }),
        activity(90, { client: worker }),
        activity(80, { user: 'Eve', client: 'console' }, { id: 'another-flow', type: 'DAVINCI_FLOW' }),
        activity(
          70,
          { user: 'Runner' },
          { id: checkout.id, type: 'DAVINCI_INTERACTION' },
          { action: { type: 'DAVINCI_INTERACTION.START_INTERACTION' } },
        ),
        activity(60, { user: 'Mallory', client: 'console' }, undefined, { result: { status: 'FAILED' } }),
        activity(-5, { user: 'Before', client: 'console' }),
      ],
      checkout,
      written,
      worker,
    );
    expect(picked?.activity.actors?.user?.name).toBe('Dana Admin');
  });

  it('matches by name under a flow type when the audit gives no ID, and not a policy of that name', () => {
    const byName = [
      activity(5, { user: 'Policy person' }, { name: 'Checkout', type: 'DAVINCI_FLOW_POLICY' }),
      activity(4, { user: 'Flow person' }, { name: 'Checkout', type: 'DAVINCI_FLOW' }),
    ];
    expect(pickDriftActivity(byName, checkout, written, worker)?.activity.actors?.user?.name).toBe(
      'Flow person',
    );
    expect(
      pickDriftActivity(byName, { ...checkout, id: 'p1', kind: 'policy' }, written, worker)?.activity.actors
        ?.user?.name,
    ).toBe('Policy person');
  });

  it('survives activities of unexpected shapes', () => {
    const odd = [
      activitySchema.parse('not an activity'),
      activitySchema.parse({ recordedAt: 42, actors: 'nobody', resources: [null, 7] }),
      activitySchema.parse({ recordedAt: 'yesterday', resources: [{ id: checkout.id }] }),
      activitySchema.parse({
        recordedAt: minutesAfterWrite(3),
        resources: [{ id: checkout.id, type: 'DAVINCI_FLOW', extra: { nested: true } }],
      }),
    ];
    const picked = pickDriftActivity(odd, checkout, written, worker);
    expect(picked?.at.toISOString()).toBe(minutesAfterWrite(3));
    // It names nobody: the alert says someone.
    expect(authorOf({ activities: odd, truncated: false }, checkout, written, worker)).toEqual({
      kind: 'someone',
      reason: "PingOne's audit does not name who made the change",
    });
  });
});

describe('who the alert names', () => {
  it('a person, an app when no person acted, or someone with why', () => {
    const person = authorOf(
      { activities: [activity(5, { user: 'Dana Admin', client: 'console' })], truncated: false },
      checkout,
      written,
      worker,
    );
    expect(person).toMatchObject({ kind: 'person', name: 'Dana Admin', id: 'u-Dana Admin' });
    const app = authorOf(
      { activities: [activity(5, { client: 'ci' })], truncated: false },
      checkout,
      written,
      worker,
    );
    expect(app).toMatchObject({ kind: 'app', name: 'client', id: 'ci' });
    expect(
      authorOf(
        { activities: [activity(5, { client: worker })], truncated: false },
        checkout,
        written,
        worker,
      ),
    ).toEqual({
      kind: 'someone',
      reason: "PingOne's audit names no change of this flow since FlightIQ's write",
    });
    expect(
      authorOf(
        { unreadable: "the worker app may not read PingOne's audit", missingRole: 'Identity Data Read Only' },
        checkout,
        written,
        worker,
      ),
    ).toEqual({
      kind: 'someone',
      reason: "the worker app may not read PingOne's audit",
      missingRole: 'Identity Data Read Only',
    });
  });
});

describe('how a drifted flow policy routes now', () => {
  const names = new Map([['f1', 'Checkout']]);
  const written = {
    name: 'Sign in',
    status: 'enabled',
    flowDistributions: [{ id: 'f1', version: -1, weight: 100 }],
  };

  it('names its status and flows as they were and are, flows by name', () => {
    expect(
      routingChanges(
        written,
        {
          ...written,
          status: 'disabled',
          flowDistributions: [
            { id: 'f1', version: 4, weight: 50 },
            { id: 'f2', version: 1, weight: 50 },
          ],
        },
        names,
      ),
    ).toEqual([
      { what: 'status', before: 'enabled', after: 'disabled' },
      { what: 'flows', before: 'Checkout deployed 100%', after: 'Checkout v4 50%, f2 v1 50%' },
    ]);
  });

  it('sees no change in what PingOne adds of its own', () => {
    expect(routingChanges(written, { ...written, trigger: { type: 'AUTHENTICATION' } }, names)).toEqual([]);
  });
});
