import { run } from '../../src/cli/run.js';

/**
 * Runs `modbus-emu ARGS` in `cwd` until it prints that it listens, then stops it (as Ctrl-C
 * would): its exit code, and what it printed on stderr meanwhile (start-up warnings).
 */
export async function serveUntilListening(args: readonly string[], cwd: string): Promise<{ code: number; stderr: string }> {
  const controller = new AbortController();
  let stdout = '';
  let stderr = '';
  let listening: () => void = () => {};
  const ready = new Promise<void>((resolve) => (listening = resolve));
  const exit = run([...args], {
    stdout: (t) => ((stdout += t), /listening on/.test(stdout) && listening()),
    stderr: (t) => (stderr += t),
    signal: controller.signal,
    cwd,
  });
  await Promise.race([ready, exit]);
  controller.abort();
  return { code: await exit, stderr };
}
