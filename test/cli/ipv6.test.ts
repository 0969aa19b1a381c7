import { connect, createServer } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import { describeListenError } from '../../src/cli/errors.js';
import { hostPort } from '../../src/server/host-port.js';

/** IPv6 addresses print in brackets, so the port can be told from the address: `[::1]:5020`. */
describe('host:port', () => {
  it.each([
    ['127.0.0.1', 5020, '127.0.0.1:5020'],
    ['localhost', 502, 'localhost:502'],
    ['::1', 34667, '[::1]:34667'],
    ['::', 0, '[::]:0'],
    ['::ffff:127.0.0.1', 50000, '[::ffff:127.0.0.1]:50000'],
    ['fe80::1%lo', 1, '[fe80::1%lo]:1'],
  ])('%s port %i → %s', (host, port, expected) => {
    expect(hostPort(host, port)).toBe(expected);
  });

  it('listen errors name the address the same way', () => {
    expect(describeListenError({ code: 'EADDRINUSE' }, '::1', 5020)).toBe('cannot listen on [::1]:5020: the port is already in use (pick another with --port)');
  });
});

const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createServer().once('error', () => resolve(false));
  probe.listen(0, '::1', () => probe.close(() => resolve(true)));
});

describe.skipIf(!ipv6)('the CLI on ::1', () => {
  it('prints the ready line and the traffic log with bracketed addresses', async () => {
    const abort = new AbortController();
    let stdout = '';
    let stderr = '';
    const exit = run(['--host', '::1', '--port', '0', '-v'], {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      signal: abort.signal,
    });
    const ready = await vi.waitFor(() => stdout.match(/^listening on \[::1\]:(\d+) in-memory$/m) ?? expect.fail(`no ready line yet: ${stdout}`));
    expect(stderr).toContain(`in-memory: listening on [::1]:${ready[1]}`);
    const socket = connect(Number(ready[1]), '::1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const local = socket.localPort!;
    await vi.waitFor(() => expect(stderr).toContain(`connected from [::1]:${local}`));
    socket.destroy();
    abort.abort();
    expect(await exit).toBe(0);
  });
});
