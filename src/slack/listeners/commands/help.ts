import type { SubcommandInfo } from '../../../commands/subcommands.js';
import { helpMessage } from '../../views/help.js';
import type { SubcommandHandler } from './flightiq.js';

export function helpSubcommand(catalog: readonly SubcommandInfo[]): SubcommandHandler {
  return async ({ ack }) => {
    await ack({ response_type: 'ephemeral', ...helpMessage(catalog) });
  };
}
