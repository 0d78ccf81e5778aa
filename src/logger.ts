import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Field names that can carry a credential anywhere in a log object: Slack tokens and signing secret,
 * PingOne client secrets and access tokens, HTTP authorization headers, our encryption keys.
 */
const secretFields = [
  'token',
  'botToken',
  'appToken',
  'accessToken',
  'access_token',
  'refreshToken',
  'id_token',
  'signingSecret',
  'clientSecret',
  'client_secret',
  'secret',
  'password',
  'authorization',
  'Authorization',
  'cookie',
  'encryptionKeys',
  'key',
];

// pino's redaction matches fixed paths, not keys at any depth; three levels covers our log objects
// (`{ err: { config: { headers: { authorization } } } }` is the deepest shape libraries produce).
const redactPaths = secretFields.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]);

export interface LoggerSettings {
  level: string;
  pretty: boolean;
}

export function createLogger(settings: LoggerSettings, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    level: settings.level,
    base: { service: 'flightiq' },
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: { err: pino.stdSerializers.err },
  };
  if (settings.pretty && !destination && prettyPrinterInstalled()) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return destination ? pino(options, destination) : pino(options);
}

/** pino-pretty is a development dependency; a production install asked for pretty logs gets JSON instead. */
function prettyPrinterInstalled(): boolean {
  try {
    import.meta.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
