import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { slackEventsPath } from '../slack/http-server.js';
import { appManifest, slackEventsUrl } from '../slack/manifest.js';

/**
 * `npm run --silent manifest -- --url https://flightiq.example.com`: prints the Slack app manifest for
 * HTTP mode, every request URL set to the app's `/slack/events`. Without `--url`: the Socket Mode one
 * (manifest.yml, less its comments).
 */
try {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const manifest = values.url
    ? appManifest({ mode: 'http', url: slackEventsUrl(values.url) })
    : appManifest({ mode: 'socket' });
  const how = values.url
    ? `HTTP mode: Slack sends commands, events and clicks to ${slackEventsUrl(values.url)}.\n# Start FlightIQ (with SLACK_SIGNING_SECRET) where that URL reaches it first: Slack checks the URL when you save.`
    : `Socket Mode: no public URL; FlightIQ connects to Slack with SLACK_APP_TOKEN.`;
  process.stdout.write(
    `# Slack app manifest for FlightIQ. Paste it at https://api.slack.com/apps → Create New App → From a manifest.\n# ${how}\n${stringify(manifest)}`,
  );
} catch (error) {
  process.stderr.write(
    `manifest: ${(error as Error).message}. Usage: npm run --silent manifest -- --url https://<your host>${slackEventsPath}\n`,
  );
  process.exitCode = 2;
}
