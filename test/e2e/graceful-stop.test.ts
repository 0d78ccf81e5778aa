import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { FakeSlack } from '../support/fake-slack.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let fakeSlack: FakeSlack;
let database: TestDatabase;
let app: TestApp;

beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
  database = await createTestDatabase();
  app = await startTestApp({
    fakeSlack,
    database,
    handlers: {
      test: async ({ ack, respond }) => {
        await ack('Checking…');
        await new Promise((resolve) => setTimeout(resolve, 700));
        await respond({ response_type: 'ephemeral', text: 'slow work finished' });
      },
    },
  });
});

afterAll(async () => {
  await database?.drop();
  await fakeSlack?.stop();
});

it('finishes acknowledged work before stopping, and then refuses new connections', async () => {
  const reply = await app.slack.command('test');
  expect(reply.text).toContain('Checking…');
  await app.stop();
  expect(fakeSlack.responsesTo(reply.responseUrl)).toEqual([
    expect.objectContaining({ text: 'slow work finished' }),
  ]);
  await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
});
