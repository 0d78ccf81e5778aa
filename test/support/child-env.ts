/**
 * The environment of an app started as a child process by a test: only what it is given, plus the
 * machine's clock. When CI runs the suite with the calendar moved ahead (.ci/run preloads libfaketime),
 * a child left on the real calendar would see every signed Slack request as five minutes stale.
 */
const clockVariables = ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_DONT_FAKE_MONOTONIC'];

export function childEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const clock = Object.fromEntries(
    clockVariables.flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  return { PATH: process.env.PATH ?? '', ...clock, ...env };
}
