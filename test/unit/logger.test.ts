import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { boltLogger } from '../../src/slack/bolt-logger.js';

const canary = 'canary-7f3c9a-secret';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'trace', pretty: false }, destination),
    output: () => lines.join(''),
  };
}

describe('log redaction', () => {
  it.each([
    [{ token: canary }],
    [{ clientSecret: canary }],
    [{ client_secret: canary }],
    [{ access_token: canary }],
    [{ signingSecret: canary }],
    [{ headers: { authorization: `Bearer ${canary}` } }],
    [{ req: { headers: { authorization: `Basic ${canary}` } } }],
    [{ err: { config: { headers: { Authorization: canary } } } }],
    [{ tenant: { name: 'acme', clientSecret: canary } }],
  ])('hides the secret in %j', (fields) => {
    const { logger, output } = capture();
    logger.info(fields, 'something happened');
    expect(output()).toContain('something happened');
    expect(output()).not.toContain(canary);
    expect(output()).toContain('[redacted]');
  });

  it('keeps ordinary fields', () => {
    const { logger, output } = capture();
    logger.info({ tenant: 'acme', user: 'U1' }, 'ok');
    expect(JSON.parse(output())).toMatchObject({
      tenant: 'acme',
      user: 'U1',
      msg: 'ok',
      service: 'flightiq',
    });
  });

  it("routes Bolt's own log calls into pino, errors included", () => {
    const { logger, output } = capture();
    const bolt = boltLogger(logger);
    bolt.warn('An incoming request was not acknowledged within 3 seconds.');
    bolt.error(new Error('listener failed'));
    const [warn, error] = output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(warn).toMatchObject({
      level: 40,
      component: 'bolt',
      msg: expect.stringContaining('not acknowledged'),
    });
    expect(error).toMatchObject({ level: 50, err: { message: 'listener failed' } });
  });
});
