import { describe, expect, it } from 'vitest';
import { useWorld } from '../support/world.js';

const world = useWorld({ withoutSimulator: true });
const now = () => Math.floor(Date.now() / 1000);

describe('Slack request signatures', () => {
  it('accepts a request signed now with the signing secret', async () => {
    expect((await world.app.slack.command('help')).status).toBe(200);
  });

  it('accepts a clock a minute ahead of ours', async () => {
    expect((await world.app.slack.command('help', { timestamp: now() + 60 })).status).toBe(200);
  });

  // Options are built when the test runs: a timestamp taken when the file loads would age meanwhile.
  it.each([
    ['signed with another secret', () => ({ secret: 'f'.repeat(32) })],
    ['older than five minutes', () => ({ timestamp: now() - 301 })],
    ['dated more than five minutes in the future', () => ({ timestamp: now() + 302 })],
    ['unsigned', () => ({ unsigned: true })],
    ['changed after signing', () => ({ tamper: (body: string) => body.replace('help', 'tenant') })],
  ])('refuses a request %s, and runs nothing', async (_name, options) => {
    const before = world.fakeSlack.calls.length;
    const reply = await world.app.slack.command('help', options());
    expect(reply.status).toBe(401);
    expect(reply.text).not.toContain('FlightIQ commands');
    expect(world.fakeSlack.calls.length).toBe(before);
  });
});
