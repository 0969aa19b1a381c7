import { createServer, type Server } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';
import type { CliIo } from '../../src/cli/io.js';
import { RawClient, toHex } from '../helpers/socket.js';

/** In-process CLI streams: text is collected, and `line(pattern)` awaits a matching stdout line. */
function captureIo(signal?: AbortSignal) {
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const io: CliIo = {
    stdout(text) {
      stdout += text;
      for (const waiter of [...waiters]) waiter();
    },
    stderr(text) {
      stderr += text;
    },
    signal,
  };
  return {
    io,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves with the first stdout match of `pattern`. */
    line(pattern: RegExp): Promise<RegExpMatchArray> {
      return new Promise((resolve) => {
        const check = (): void => {
          const match = stdout.match(pattern);
          if (!match) return;
          waiters.delete(check);
          resolve(match);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

const READY = /listening on 127\.0\.0\.1:(\d+)/;

describe('modbus-emu with no profile: the in-memory device', () => {
  it('prints the ready line with the bound port, serves, and exits 0 on abort', async () => {
    const abort = new AbortController();
    const out = captureIo(abort.signal);
    const exit = run(['--port', '0'], out.io);
    const port = Number((await Promise.race([out.line(READY), exit.then((code) => expect.fail(`exited early with ${code}: ${out.stderr}`))]))[1]);
    expect(port).toBeGreaterThan(0);

    const client = await RawClient.connect(port);
    onTestFinished(() => void client.destroy());
    // FC 6 write then FC 3 read back: the in-memory device is writable.
    expect(toHex((await client.roundTrip('00 01 00 00 00 06 01 06 00 05 12 34')).bytes)).toBe('00 01 00 00 00 06 01 06 00 05 12 34');
    expect(toHex((await client.roundTrip('00 02 00 00 00 06 01 03 00 05 00 01')).bytes)).toBe('00 02 00 00 00 05 01 03 02 12 34');

    abort.abort();
    expect(await exit).toBe(0);
    // Shutting down closed the live connection too.
    expect((await client.closed).sawEnd).toBe(true);
    await expect(RawClient.connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('exits 1 with a message naming the port when the port is in use', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const { port } = blocker.address() as { port: number };

    const out = captureIo(AbortSignal.abort());
    expect(await run(['--port', String(port)], out.io)).toBe(1);
    // Said once, in the CLI's words (the server does not log the failed listen as well).
    expect(out.stderr.split(`127.0.0.1:${port}`)).toHaveLength(2);
    expect(out.stderr).toMatch(/in use/);
    expect(out.stdout).not.toMatch(READY);
  });

  it.each([
    ['an unknown flag', ['--bogus']],
    ['a port that is not a number', ['--port', 'abc']],
    ['a port above 65535', ['--port', '70000']],
    ['an unknown --when-full policy', ['--when-full', 'sometimes']],
  ])('exits non-zero with usage on stderr for %s', async (_name, argv) => {
    const out = captureIo(AbortSignal.abort());
    const code = await run(argv, out.io);
    expect(code).not.toBe(0);
    expect(out.stderr).toMatch(/error:/);
    expect(out.stderr).toMatch(/--help/);
    expect(out.stdout).toBe('');
  });
});
