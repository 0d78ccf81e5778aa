import { describe, expect, it } from 'vitest';
import { problemText } from '../../src/console/render.js';
import { problemBlocks } from '../../src/slack/views/pingone-problem.js';

describe('a PingOne problem, in the console and in Slack', () => {
  it('is said once when its message already says what the headline does', () => {
    expect(
      problemText({
        code: 'network',
        message: 'Could not reach PingOne for /as/token (ECONNREFUSED).',
        checks: [],
      }),
    ).toBe('Could not reach PingOne for /as/token (ECONNREFUSED).');
    expect(
      problemText({
        code: 'rate_limited',
        message:
          "PingOne's rate limit was reached for /environments, again after FlightIQ waited 3 time(s) as PingOne asked.",
        checks: [],
      }),
    ).toBe(
      "PingOne's rate limit was reached for /environments, again after FlightIQ waited 3 time(s) as PingOne asked.",
    );
  });

  it('keeps the headline, as Slack shows it, when the message says something else', () => {
    expect(
      problemText({
        code: 'unavailable',
        message: 'PingOne answered 503 for /environments.',
        checks: ['Try again in a few minutes.'],
        correlationId: 'c0ffee',
      }),
    ).toBe(
      'PingOne is not available right now. PingOne answered 503 for /environments.\nCheck:\n  - Try again in a few minutes.\nPingOne correlation ID: c0ffee',
    );
  });

  it('is said once in Slack too, with the message escaped', () => {
    const [lead] = problemBlocks({
      code: 'network',
      message: 'Could not reach PingOne for <x> (ECONNREFUSED).',
      checks: [],
    });
    expect((lead as { text: { text: string } }).text.text).toBe(
      ':x: Could not reach PingOne for &lt;x&gt; (ECONNREFUSED).',
    );
    const [other] = problemBlocks({ code: 'unavailable', message: 'PingOne answered 503.', checks: [] });
    expect((other as { text: { text: string } }).text.text).toBe(
      ':x: *PingOne is not available right now.* PingOne answered 503.',
    );
  });
});
