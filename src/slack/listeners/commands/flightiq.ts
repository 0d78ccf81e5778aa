import type { AllMiddlewareArgs, RespondArguments, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { splitWords, unescapeSlackText } from '../../../commands/command-line.js';
import { type SubcommandInfo, slashCommand } from '../../../commands/subcommands.js';
import type { PersonSlots, ReleaseSlot } from '../../../core/fair-use.js';
import { commandWorkMs, type PingOneWait, waitText, withCallContext } from '../../../core/pingone-work.js';
import type { Logger } from '../../../logger.js';
import { ackLatency, commandsTotal } from '../../../metrics.js';
import { checkDelivery } from '../../deduplicate.js';
import { reportFailure } from '../../report-failure.js';
import { helpMessage, notAvailableMessage } from '../../views/help.js';
import { busyText, notice } from '../../views/notices.js';

export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** What a sub-command gets: the words after its name, and the signed command for who is asking. */
export interface SubcommandRequest extends Pick<CommandArgs, 'command' | 'respond' | 'client'> {
  args: string[];
  /**
   * Acknowledges the command; a sub-command must call it first (Slack waits 3 s at most). `final`
   * marks an acknowledgement that is the whole answer (a usage error): nothing follows it. Otherwise
   * the command is checked against replays and, if it calls PingOne, takes one of the person's slots
   * once acknowledged; either may stop it there (the person is told).
   */
  ack: (reply?: string | RespondArguments, options?: { final?: boolean }) => Promise<void>;
  logger: Logger;
}

export type SubcommandHandler = (request: SubcommandRequest) => Promise<void>;

export interface FlightiqCommandDeps {
  catalog: readonly SubcommandInfo[];
  handlers: Readonly<Record<string, SubcommandHandler>>;
  logger: Logger;
  slots: PersonSlots;
  /** Records a delivery id; true the first time (see deduplicate.ts). Without it nothing is recorded. */
  firstDelivery?: ((deliveryId: string) => Promise<boolean>) | undefined;
}

/**
 * How long a command waits, after its acknowledgement, to learn whether it is a replay: one that
 * changes something waits long and is refused without an answer; others go on after a short wait,
 * since a form they open must be opened within the 3 s its trigger lives.
 */
const replayCheckMs = { changesState: 2_000, other: 300 } as const;

export const uncertainCommandText =
  ':warning: FlightIQ could not make sure this command is acted on only once (its database did not answer in time), so it did nothing. Try again in a moment.';

/** Thrown by the acknowledgement to stop a sub-command that must not go on; never shown as a failure. */
class StopCommand extends Error {
  constructor(readonly reason: 'repeat' | 'uncertain' | 'busy') {
    super(reason);
  }
}

/** `/flightiq <sub-command> …`: finds the sub-command and runs it; anything unknown gets the usage. */
export function flightiqCommand({ catalog, handlers, logger, slots, firstDelivery }: FlightiqCommandDeps) {
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

    let acked = false;
    // The progress message the acknowledgement showed, so a wait on PingOne can be added under it.
    let progress: string | undefined;
    let release: ReleaseSlot = async () => undefined;
    const log = logger.child({ command: sub.name, user: command.user_id, team: command.team_id });
    const ackOnce: SubcommandRequest['ack'] = async (reply, { final = false } = {}) => {
      acked = true;
      progress = typeof reply === 'string' ? reply : reply?.text;
      ackLatency.observe((performance.now() - received) / 1000);
      await (reply === undefined ? ack() : ack(reply));
      if (final) return;
      // Slack never sends a command twice, but a captured signed one can be replayed for 5 minutes:
      // its trigger_id is recorded after the acknowledgement (which must not wait) and before the
      // sub-command does anything, so a replay, to this replica or another, goes no further.
      if (firstDelivery && typeof command.trigger_id === 'string') {
        const seen = await checkDelivery(
          firstDelivery,
          command.trigger_id,
          sub.changesState ? replayCheckMs.changesState : replayCheckMs.other,
        );
        if (seen === 'repeat') throw new StopCommand('repeat');
        if (seen === 'unknown') {
          log.warn('could not check in time that a command is not a replay');
          if (sub.changesState) throw new StopCommand('uncertain');
        }
      }
      // Counted where every replica sees it, before anything reaches PingOne; after the
      // acknowledgement, so the count never delays it.
      if (sub.callsPingOne) {
        const taken = await slots.take(command.user_id);
        if (!taken) throw new StopCommand('busy');
        release = taken;
      }
    };
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
      if (error instanceof StopCommand) {
        commandsTotal.inc({ command: sub.name, outcome: error.reason });
        if (error.reason === 'repeat') log.info('ignored a replayed slash command');
        else
          await ordered({
            response_type: 'ephemeral',
            replace_original: true,
            ...notice(error.reason === 'busy' ? busyText(slots.perPerson) : uncertainCommandText),
          });
        return;
      }
      commandsTotal.inc({ command: sub.name, outcome: 'failed' });
      const message = reportFailure(log, error, {});
      if (!acked) await ack({ response_type: 'ephemeral', ...message });
      else await ordered({ response_type: 'ephemeral', replace_original: false, ...message });
    } finally {
      await release();
    }
  };
}

function unknownIntro(word: string): string {
  const shown = word.length > 40 ? `${word.slice(0, 40)}…` : word;
  return `:thinking_face: \`${slashCommand} ${shown.replace(/`/g, "'")}\` is not a FlightIQ command. Here is what I can do:`;
}
