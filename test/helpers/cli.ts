import { onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';

const BOUND_MS = 10_000;

/**
 * The CLI in-process: `run(argv, io)` with an AbortController standing in for SIGINT, its output
 * collected; `until(test)` resolves once `test` finds what it waits for in the output (rejects
 * after a generous bound, naming what was printed), never a sleep. Aborted when the test ends.
 */
export function cli(argv: string[], options: { cwd: string }) {
  const controller = new AbortController();
  const out = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  const io = {
    stdout: (t: string) => ((out.stdout += t), waiters.forEach((w) => w())),
    stderr: (t: string) => ((out.stderr += t), waiters.forEach((w) => w())),
    signal: controller.signal,
    cwd: options.cwd,
  };
  const exit = run(argv, io);
  onTestFinished(async () => {
    controller.abort();
    await exit;
  });
  const until = <T>(test: () => T | undefined | null | false): Promise<T> =>
    new Promise((resolve, reject) => {
      const timeout = setTimeout(() => reject(new Error(`not seen within ${BOUND_MS} ms:\n${out.stdout}\n${out.stderr}`)), BOUND_MS);
      const check = (): void => {
        const found = test();
        if (!found) return;
        clearTimeout(timeout);
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      void exit.then(() => check());
      check();
    });
  return { out, exit, until, abort: () => controller.abort() };
}

/**
 * Runs `modbus-emu ARGS` in `cwd` until it prints that it listens, then stops it (as Ctrl-C
 * would): its exit code, and what it printed on stderr meanwhile (start-up warnings).
 */
export async function serveUntilListening(args: readonly string[], cwd: string): Promise<{ code: number; stderr: string }> {
  const c = cli([...args], { cwd });
  // Listening, or ended without (a profile that does not load): whichever comes first.
  await Promise.race([c.until(() => /listening on/.test(c.out.stdout)).catch(() => undefined), c.exit]);
  c.abort();
  return { code: await c.exit, stderr: c.out.stderr };
}
