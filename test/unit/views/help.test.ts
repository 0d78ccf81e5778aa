import { describe, expect, it } from 'vitest';
import { subcommandCatalog, withAvailability } from '../../../src/commands/subcommands.js';
import { helpMessage, notAvailableMessage } from '../../../src/slack/views/help.js';
import { homeView } from '../../../src/slack/views/home.js';
import { internalErrorMessage } from '../../../src/slack/views/problem.js';
import { blockKitProblems, viewProblems } from '../../support/block-kit-rules.js';

const catalog = withAvailability((name) => name === 'help');

describe('help message', () => {
  it('lists every sub-command with its usage and marks the ones not available yet', () => {
    const text = JSON.stringify(helpMessage(catalog).blocks);
    for (const sub of subcommandCatalog) expect(text).toContain(`/flightiq ${sub.usage}`);
    expect(text.match(/Not available in this version yet/g)).toHaveLength(subcommandCatalog.length - 1);
  });

  it('stays within Block Kit limits, with and without an introduction', () => {
    expect(blockKitProblems(helpMessage(catalog).blocks, 'message')).toEqual([]);
    expect(blockKitProblems(helpMessage(catalog, 'x'.repeat(2000)).blocks, 'message')).toEqual([]);
  });

  it('has a plain-text fallback for notifications', () => {
    expect(helpMessage(catalog).text).toBe('/flightiq commands');
  });
});

describe('other small views', () => {
  it('the App Home view is a valid home tab with the commands on it', () => {
    const view = homeView(catalog);
    expect(viewProblems(view as never, 'home')).toEqual([]);
    expect(JSON.stringify(view)).toContain('/flightiq promote');
  });

  it('a sub-command not available yet says so by name', () => {
    const [promote] = catalog.filter((sub) => sub.name === 'promote');
    expect(notAvailableMessage(promote as never).text).toBe(
      '`/flightiq promote` is not available in this version of FlightIQ yet.',
    );
  });

  it('an internal error shows the reference and nothing of the error itself', () => {
    const message = internalErrorMessage('0badc0de');
    expect(message.text).toContain('`0badc0de`');
    expect(blockKitProblems(message.blocks, 'message')).toEqual([]);
  });
});
