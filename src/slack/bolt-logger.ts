import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../logger.js';

/**
 * Bolt, its receivers, the Socket Mode client and the WebClient all log through this, so everything
 * lands in pino. At debug level those libraries write whole payloads into their message text ("Received
 * a message on the WebSocket: {…}", "ack() call begins (body: {…})", "http request body: {…}"), and a
 * payload can carry what a person typed into the tenant form, the client secret included. pino's
 * redaction only sees object keys, not text, so the text is cut where a payload starts, at every level.
 */
export function boltLogger(logger: Logger): BoltLogger {
  let log = logger.child({ component: 'bolt' });
  const write =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const error = parts.find((part): part is Error => part instanceof Error);
      const message = parts
        .filter((part) => part !== error)
        .map((part) => (typeof part === 'string' ? withoutPayload(part) : '[object not logged]'))
        .join(' ');
      if (error) {
        // The stack's frames say where; its first line repeats the message, which may carry data.
        const frames = error.stack?.split('\n').slice(1).join('\n');
        log[level](
          { err: { type: error.name, message: withoutPayload(error.message), stack: frames } },
          message,
        );
      } else log[level](message);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => {},
    getLevel: () => {
      const level = log.level;
      if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
      if (level === 'info') return LogLevel.INFO;
      if (level === 'warn') return LogLevel.WARN;
      return LogLevel.ERROR;
    },
    setName: (name: string) => {
      log = logger.child({ component: name });
    },
  };
}

// Where a message stops being the library's words and starts being data: a JSON object or array.
const payloadStart = /[{[]/;
// Messages that quote raw text the library could not read: nothing after their first words is kept.
const quotesRawText = /^(Unable to parse an incoming WebSocket message)/;

/** A library's log text up to where a payload starts; what follows is never logged. */
export function withoutPayload(text: string): string {
  const raw = quotesRawText.exec(text);
  if (raw) return `${raw[1]} [payload not logged]`;
  const at = text.search(payloadStart);
  if (at < 0) return text;
  const kept = text.slice(0, at).replace(/[\s:(]+$/, '');
  return `${kept} [payload not logged]`;
}
