import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/**
 * Ctrl-C while a question waits: the line typed so far is dropped and the question is abandoned, as a
 * shell does. The console goes back to its prompt (a form is left, nothing saved); it does not exit,
 * which would lose what a throw-away database (the demo's) holds. Ctrl-D or `quit` leaves.
 */
export class Interrupted extends Error {
  override name = 'Interrupted';
  constructor() {
    super('interrupted with Ctrl-C');
  }
}

/** Questions and answers on a terminal (or any pair of streams, for tests and pipes). */
export interface Prompter {
  /** The next line typed after `question`; null once the input has ended; throws `Interrupted` on Ctrl-C. */
  ask(question: string): Promise<string | null>;
  /** Like `ask`, but what is typed is not echoed (a client secret). */
  askHidden(question: string): Promise<string | null>;
  write(text: string): void;
  close(): void;
}

/**
 * A prompter on readline. Echo of hidden answers is cut by muting the stream readline writes through,
 * so the secret never reaches the terminal, the scrollback or a recording of the session.
 */
export function streamPrompter(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  { terminal = Boolean((input as { isTTY?: boolean }).isTTY) } = {},
): Prompter {
  let muted = false;
  const echo = new Writable({
    write(chunk, _encoding, done) {
      if (!muted) output.write(chunk);
      done();
    },
  });
  const rl: Interface = createInterface({ input, output: echo, terminal });
  // Lines are queued as they come (a pasted block answers several questions), and a waiting question
  // can be abandoned on Ctrl-C without losing the lines after it.
  const typed: string[] = [];
  let waiting: { resolve: (line: string | null) => void; reject: (error: Error) => void } | undefined;
  let ended = false;
  rl.on('line', (line) => {
    if (waiting) {
      const { resolve } = waiting;
      waiting = undefined;
      resolve(line);
    } else typed.push(line);
  });
  rl.on('close', () => {
    ended = true;
    waiting?.resolve(null);
    waiting = undefined;
  });
  rl.on('SIGINT', () => {
    // readline keeps the half-typed line in its buffer: cleared, so it does not come back with Enter.
    rl.write(null, { ctrl: true, name: 'u' });
    output.write('^C\n');
    if (waiting) {
      const { reject } = waiting;
      waiting = undefined;
      reject(new Interrupted());
    }
  });
  const next = (): Promise<string | null> => {
    const line = typed.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      waiting = { resolve, reject };
    });
  };
  return {
    async ask(question) {
      output.write(question);
      return next();
    },
    async askHidden(question) {
      output.write(question);
      muted = true;
      try {
        return await next();
      } finally {
        muted = false;
        output.write('\n');
      }
    },
    write(text) {
      output.write(text);
    },
    close() {
      rl.close();
    },
  };
}
