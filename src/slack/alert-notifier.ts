import type { WebClient } from '@slack/web-api';
import type { AlertNotifier } from '../core/credentials/monitor.js';
import type { ChannelPacer } from './channel-pacer.js';
import {
  certificateWarningMessage,
  credentialAlertMessage,
  driftWarningMessage,
  policyDriftWarningMessage,
  recoveryReply,
} from './views/alert.js';

/**
 * The alert channel through the Web API: `client` is the one for background posts, never the one that
 * answers people, and every post waits its turn in `pacer`. A missing channel or app membership
 * surfaces as an error to core, which logs it.
 */
export function slackAlertNotifier(
  client: WebClient,
  pacer: ChannelPacer,
  channel: string | undefined,
): AlertNotifier {
  const target = () => {
    if (!channel) throw new Error('FLIGHTIQ_ALERT_CHANNEL is not set');
    return channel;
  };
  return {
    async post(alert) {
      const posted = await pacer.send(target(), () =>
        client.chat.postMessage({ channel: target(), ...credentialAlertMessage(alert) }),
      );
      if (!posted.ts || !posted.channel) throw new Error('chat.postMessage returned no message');
      return { channel: posted.channel, ts: posted.ts };
    },
    async update(ref, alert) {
      await pacer.send(
        ref.channel,
        () => client.chat.update({ channel: ref.channel, ts: ref.ts, ...credentialAlertMessage(alert) }),
        ref.ts,
      );
    },
    async recovered(ref, alert) {
      await pacer.send(ref.channel, () =>
        client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, ...recoveryReply(alert) }),
      );
      await pacer.send(
        ref.channel,
        () => client.chat.update({ channel: ref.channel, ts: ref.ts, ...credentialAlertMessage(alert) }),
        ref.ts,
      );
    },
    async drift(warning) {
      await pacer.send(target(), () =>
        client.chat.postMessage({ channel: target(), ...driftWarningMessage(warning) }),
      );
    },
    async policyDrift(warning) {
      await pacer.send(target(), () =>
        client.chat.postMessage({ channel: target(), ...policyDriftWarningMessage(warning) }),
      );
    },
    async certificate(warning) {
      await pacer.send(target(), () =>
        client.chat.postMessage({ channel: target(), ...certificateWarningMessage(warning) }),
      );
    },
  };
}
