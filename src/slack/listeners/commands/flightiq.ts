import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { splitWords, unescapeSlackText } from '../../../commands/command-line.js';
import { type SubcommandInfo, slashCommand } from '../../../commands/subcommands.js';
import type { CommandSlots } from '../../../core/fair-use.js';
import { commandWorkMs, type PingOneWait, waitText, withCallContext } from '../../../core/pingone-work.js';
import type { Logger } from '../../../logger.js';
import { ackLatency, commandsTotal } from '../../../metrics.js';
import { reportFailure } from '../../report-failure.js';
import { helpMessage, notAvailableMessage } from '../../views/help.js';
import { notice } from '../../views/notices.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** What a sub-command gets: the words after its name, and the signed command for who is asking. */
export interface SubcommandRequest extends Pick<CommandArgs, 'command' | 'respond' | 'client'> {
  args: string[];
  /** Acknowledges the command; a sub-command must call it first (Slack waits 3 s at most). */
  ack: (reply?: string | RespondArguments) => Promise<void>;
  logger: Logger;
}

export type SubcommandHandler = (request: SubcommandRequest) => Promise<void>;

export interface FlightiqCommandDeps {
  catalog: readonly SubcommandInfo[];
  handlers: Readonly<Record<string, SubcommandHandler>>;
  logger: Logger;
  slots: CommandSlots;
}

/** `/flightiq <sub-command> …`: finds the sub-command and runs it; anything unknown gets the usage. */
export function flightiqCommand({ catalog, handlers, logger, slots }: FlightiqCommandDeps) {
  return async ({ command, ack, respond, client }: CommandArgs): Promise<void> => {
    const received = performance.now();
    const [name = 'help', ...args] = splitWords(unescapeSlackText(command.text));
    const sub = catalog.find((candidate) => candidate.name === name.toLowerCase());
    const handler = sub ? handlers[sub.name] : undefined;
    if (!sub) {
      await ack({ response_type: 'ephemeral', ...helpMessage(catalog, unknownIntro(name)) });
      return;
    }
    if (!handler) {
      await ack({ response_type: 'ephemeral', ...notAvailableMessage(sub) });
      return;
    }

    // Taken before anything else, so a burst is turned away at once and never reaches PingOne.
    const release = sub.callsPingOne ? slots.take(command.user_id) : () => undefined;
    if (!release) {
      commandsTotal.inc({ command: sub.name, outcome: 'busy' });
      await ack({ response_type: 'ephemeral', ...notice(busyText(slots.perPerson)) });
      return;
    }

    let acked = false;
    // The progress message the acknowledgement showed, so a wait on PingOne can be added under it.
    let progress: string | undefined;
    const ackOnce = async (reply?: string | RespondArguments) => {
      acked = true;
      progress = typeof reply === 'string' ? reply : reply?.text;
      ackLatency.observe((performance.now() - received) / 1000);
      await (reply === undefined ? ack() : ack(reply));
    };
    const log = logger.child({ command: sub.name, user: command.user_id, team: command.team_id });
    // Replies go out one after the other, so a late "waiting" notice never replaces the final answer.
    let replies: Promise<unknown> = Promise.resolve();
    const ordered: CommandArgs['respond'] = (message) => {
      const sent = replies.then(() => respond(message));
      replies = sent.catch(() => undefined);
      return sent;
    };
    const onWait = (wait: PingOneWait) => {
      if (!progress) return;
      ordered({
        response_type: 'ephemeral',
        replace_original: true,
        ...notice(`${progress}\n${waitText(wait)}`),
      }).catch((error: unknown) =>
        log.warn({ err: error }, 'could not show that the command waits for PingOne'),
      );
    };
    try {
      await withCallContext({ timeoutMs: commandWorkMs, onWait }, () =>
        handler({ args, command, ack: ackOnce, respond: ordered, client, logger: log }),
      );
      commandsTotal.inc({ command: sub.name, outcome: 'ok' });
    } catch (error) {
      commandsTotal.inc({ command: sub.name, outcome: 'failed' });
      const message = reportFailure(log, error, {});
      if (!acked) await ack({ response_type: 'ephemeral', ...message });
      else await ordered({ response_type: 'ephemeral', replace_original: false, ...message });
    } finally {
      release();
    }
  };
}

function busyText(perPerson: number): string {
  return `:hourglass: You already have ${perPerson === 1 ? 'a FlightIQ command' : `${perPerson} FlightIQ commands`} running that call${perPerson === 1 ? 's' : ''} PingOne. Busy: try again in a moment, once ${perPerson === 1 ? 'it has' : 'one has'} answered.`;
}

function unknownIntro(word: string): string {
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return `:thinking_face: \`${slashCommand} ${shown.replace(/`/g, "'")}\` is not a FlightIQ command. Here is what I can do:`;
}
