import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../src/console/console.js';
import type { Prompter } from '../../src/console/prompter.js';
import { textLines } from '../../src/console/terminal-log.js';
import type { CoreServices } from '../../src/core/services.js';
import { createLogger } from '../../src/logger.js';

/** A person typing `lines` one by one; everything the console shows, questions included, in `output`. */
function typing(lines: string[]): Prompter & { output: () => string } {
  const left = [...lines];
  let output = '';
  const ask = async (question: string) => {
    output += question;
    const line = left.shift();
    if (line === undefined) return null;
    output += `${line}\n`;
    return line;
  };
  return {
    ask,
    askHidden: ask,
    write: (text) => {
      output += text;
    },
    close: () => {},
    output: () => output,
  };
}

function capturedLogger() {
  const stream = new PassThrough();
  let logs = '';
  stream.on('data', (chunk) => {
    logs += String(chunk);
  });
  return { logger: createLogger({ level: 'info', pretty: false }, stream), logs: () => logs };
}

describe('console: a command that fails unforeseen', () => {
  it('is answered in one line with a reference to the log entry that has the cause, and the console goes on', async () => {
    const services = {
      promotions: {
        list: async () => {
          throw new Error('the database went away');
        },
      },
    } as unknown as CoreServices;
    const prompter = typing(['promotions recent', 'help', 'quit']);
    const { logger, logs } = capturedLogger();
    await runConsole(services, prompter, logger);
    const output = prompter.output();
    const answer = /flightiq> promotions recent\n(.*)\n(flightiq> .*)/.exec(output);
    expect(answer?.[1]).toMatch(
      /^Sorry, FlightIQ failed to do that \(reference [0-9a-f]{8}\); the log has the cause\.$/,
    );
    expect(answer?.[2]).toBe('flightiq> help');
    expect(output).toContain('Buttons in Slack, commands here:');
    expect(output).toMatch(/Bye\.\n$/);
    expect(output).not.toContain('the database went away');
    const reference = /reference ([0-9a-f]{8})/.exec(output)?.[1];
    const entry = JSON.parse(logs().trim()) as { reference: string; err: { message: string } };
    expect(entry.reference).toBe(reference);
    expect(entry.err.message).toBe('the database went away');
  });
});

describe('console: log entries on its terminal', () => {
  it('are lines of text, not JSON', () => {
    const line = JSON.stringify({
      level: 40,
      time: 1,
      service: 'flightiq',
      file: '/data/encryption-keys',
      msg: 'FLIGHTIQ_ENCRYPTION_KEYS is not set: generated an encryption key',
    });
    expect(textLines(`${line}\n`)).toBe(
      'flightiq warning: FLIGHTIQ_ENCRYPTION_KEYS is not set: generated an encryption key (file /data/encryption-keys)\n',
    );
    const failed = JSON.stringify({
      level: 50,
      time: 1,
      reference: 'ab12cd34',
      err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' },
      msg: 'console command "list" failed',
    });
    expect(textLines(`${failed}\n`)).toBe(
      'flightiq error: console command "list" failed: boom (reference ab12cd34)\n',
    );
  });
});
