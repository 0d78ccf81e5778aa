import { pino } from 'pino';
import { createLogger, type Logger } from '../logger.js';

/**
 * The console's terminal is for people: a logger given to the console that writes to this process's
 * stdout or stderr (JSON lines, as every FlightIQ logger does) is replaced by one that writes each
 * entry there as one line of text, with the same level and the same redaction of secrets. A logger
 * writing anywhere else (a file, a test's stream) is kept as it is.
 */
export function forTerminal(logger: Logger): Logger {
  const stream = terminalOf(logger);
  if (!stream) return logger;
  return createLogger(
    { level: logger.level, pretty: false },
    { write: (line: string) => stream.write(textLines(line)) },
  );
}

function terminalOf(logger: Logger): NodeJS.WritableStream | undefined {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { fd?: unknown }
    | undefined;
  if (!stream) return undefined;
  if (stream === process.stderr || stream.fd === 2) return process.stderr;
  if (stream === process.stdout || stream.fd === 1) return process.stdout;
  return undefined;
}

const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'note',
  40: 'warning',
  50: 'error',
  60: 'fatal error',
};

/** Fields every entry has, or that say nothing to the person at the terminal. */
const unsaid = new Set(['level', 'time', 'msg', 'err', 'service', 'component', 'pid', 'hostname']);

/** JSON log lines as text: `flightiq warning: message: cause (field value, …)`. */
export function textLines(chunk: string): string {
  return chunk
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => `${textLine(line)}\n`)
    .join('');
}

function textLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = levelNames[Number(entry.level)] ?? 'log';
  const err = entry.err as { message?: unknown } | undefined;
  const cause = typeof err?.message === 'string' && err.message ? `: ${err.message}` : '';
  const fields = Object.entries(entry)
    .filter(([key]) => !unsaid.has(key))
    .map(([key, value]) => [key, fieldText(value)] as const)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key} ${value}`);
  const message = typeof entry.msg === 'string' ? entry.msg : '';
  return `flightiq ${level}: ${message}${cause}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`.replace(
    /\s*\n\s*/g,
    ' ',
  );
}

/** Plain values as they are; objects are left out (they are for a log reader, not a terminal). */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item !== 'object' || item === null))
    return value.join(', ');
  return undefined;
}
