import { beforeAll, describe, expect, it } from 'vitest';
import { seedPromotionData } from '../support/promotion-fixtures.js';
import { wavesOf } from '../support/round-trips.js';
import { addSimulatorTenant } from '../support/simulator-tenant.js';
import { useWorld } from '../support/world.js';

/**
 * No PingOne request waits on one it does not depend on: each command's chain of round trips is the
 * one its dependencies make (bench:answer measures the time). And every command answers Slack before
 * PingOne answers anything, with its progress message.
 */

const admin = 'U0ADMIN0001';

const world = useWorld({
  users: { [admin]: {} },
  env: {
    FLIGHTIQ_ADMINS: admin,
    FLIGHTIQ_APPROVERS: 'U0APPROVER1',
    FLIGHTIQ_APPROVAL_CHANNEL: 'C0APPROVALS',
  },
  jobs: { disabled: true },
});

// Once for the file, not before each test: the commands share the tenant, its token and the latency.
beforeAll(async () => {
  seedPromotionData(world.sim);
  await addSimulatorTenant(world.app.service.services, world.sim, { name: 'Acme', admin });
  // The token every later command reuses (test mints its own).
  await run('envs', (answer) => answer.includes('Staging'));
  world.sim.latencyMs = 40;
});

async function run(text: string, done: (answer: string) => boolean) {
  const before = world.sim.requests.length;
  const reply = await world.app.slack.command(text, { user: admin });
  const answeredBeforePingOne = world.sim.requests
    .slice(before)
    .every((request) => request.endedAt === undefined);
  await world.fakeSlack.waitFor(
    () => world.fakeSlack.responsesTo(reply.responseUrl).some((answer) => done(JSON.stringify(answer))),
    30_000,
  );
  return { reply, answeredBeforePingOne, waves: wavesOf(world.sim.requests.slice(before)) };
}

describe('round trips to PingOne', () => {
  it.each([
    // token; role assignments, role names and environments; every environment's probes
    ['test', 3, (a: string) => a.includes('Passed')],
    // environments; both flow lists; export, connector instances, variables; forms, destination flows
    ['promote Checkout --from Staging --to Production', 4, (a: string) => a.includes('waiting for')],
    ['diff Checkout --from Staging --to Production', 4, (a: string) => a.includes('would change')],
    // environments; the flows
    ['list flows --env Staging', 2, (a: string) => a.includes('Checkout')],
  ] as const)('/flightiq %s waits %i round trips, and answers Slack first', async (text, needed, done) => {
    const { reply, answeredBeforePingOne, waves } = await run(text, done);
    expect(waves).toBe(needed);
    expect(answeredBeforePingOne).toBe(true);
    expect(reply.text).toContain(':hourglass_flowing_sand:');
  });
});
