import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** Questions and answers on a terminal (or any pair of streams, for tests and pipes). */
export interface Prompter {
  /** The next line typed after `question`; null once the input has ended. */
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
  const lines = rl[Symbol.asyncIterator]();
  const next = async (): Promise<string | null> => {
    const { value, done } = await lines.next();
    return done ? null : String(value);
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
