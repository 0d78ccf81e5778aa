import type { WebClient } from '@slack/web-api';
import type { AlertNotifier } from '../core/credential-monitor.js';
import { certificateWarningMessage, credentialAlertMessage, recoveryReply } from './views/alert.js';

/** The alert channel through the Web API. A missing channel or app membership surfaces as an error to core, which logs it. */
export function slackAlertNotifier(client: WebClient, channel: string | undefined): AlertNotifier {
  const target = () => {
    if (!channel) throw new Error('FLIGHTIQ_ALERT_CHANNEL is not set');
    return channel;
  };
  return {
    async post(alert) {
      const posted = await client.chat.postMessage({ channel: target(), ...credentialAlertMessage(alert) });
      if (!posted.ts || !posted.channel) throw new Error('chat.postMessage returned no message');
      return { channel: posted.channel, ts: posted.ts };
    },
    async update(ref, alert) {
      await client.chat.update({ channel: ref.channel, ts: ref.ts, ...credentialAlertMessage(alert) });
    },
    async recovered(ref, alert) {
      await client.chat.postMessage({ channel: ref.channel, thread_ts: ref.ts, ...recoveryReply(alert) });
      await client.chat.update({ channel: ref.channel, ts: ref.ts, ...credentialAlertMessage(alert) });
    },
    async certificate(warning) {
      await client.chat.postMessage({ channel: target(), ...certificateWarningMessage(warning) });
    },
  };
}
