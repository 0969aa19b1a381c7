import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { startEmulator, type Emulator } from '../../src/index.js';

/**
 * What pymodbus, the most used Python client, sees for each fault action (the docs' "what a
 * client sees" table): Debian's python3-pymodbus run with Debian's own python3, as CI installs it
 * (.ci/run). Every row is a device whose rule fires for the first read; one Python process reads
 * each twice, in parallel threads, with a 1 s timeout and no retries (pymodbus 3.0 turns a
 * timeout below 1 s into a non-blocking connect).
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('pymodbus_sees.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import pymodbus; print(pymodbus.__version__)'], { encoding: 'utf8' });
const available = probe.status === 0;
const PROFILE = { version: 1, points: { a: { type: 'uint16', address: 0, value: 7 }, b: { type: 'uint16', address: 1, value: 8 } } };

const ROWS: Record<string, object> = {
  exception: { exception: 'serverDeviceBusy' },
  noResponse: { noResponse: true },
  closeFin: { close: 'fin' },
  closeRst: { close: 'rst' },
  delayPastTimeout: { delay: '1500ms' },
  fragment: { fragment: { size: 1, gap: '5ms' } },
  stale: { stale: true },
  outOfOrder: { outOfOrder: true },
  ...Object.fromEntries(
    ['wrongTransactionId', 'wrongUnitId', 'wrongFunctionCode', 'fewerRegisters', 'wrongByteCount', 'truncated', 'wrongLength', 'garbage', 'duplicate'].map((kind) => [kind, { malformed: kind }]),
  ),
};

interface Seen {
  first: string;
  connectedAfterFirst: boolean;
  second: string;
}
let seen: { version: string; results: Record<string, Seen> };
const emulators: Emulator[] = [];

const TITLE = available
  ? `pymodbus ${probe.stdout.trim()} (Debian python3-pymodbus) sees`
  : `pymodbus: SKIPPED, ${PYTHON} cannot import pymodbus (apt-get install -y python3-pymodbus; .ci/run installs it)`;

describe.skipIf(!available)(TITLE, () => {
  beforeAll(async () => {
    const started = await Promise.all(
      Object.entries(ROWS).map(async ([label, action]) => {
        const emulator = await startEmulator({ profile: { ...PROFILE, faults: [{ name: 'f', match: { function: 3 }, when: { first: 1 }, do: action }] }, logger: silentLogger, port: 0, seed: 1 }); // seeded: garbage is drawn from the rule's stream
        emulators.push(emulator);
        return [label, emulator.port] as [string, number];
      }),
    );
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, JSON.stringify(started)], { encoding: 'utf8', timeout: 15_000 });
    seen = JSON.parse(stdout) as typeof seen;
  });
  afterAll(() => Promise.all(emulators.map((e) => e.close())));

  const IO = 'ModbusIOException: Modbus Error: [Input/Output]';
  const UNDECODABLE = `${IO} No Response received from the remote unit/Unable to decode response`;
  const NO_REPLY = `${IO} Modbus Error: [Invalid Message] No response received, expected at least 8 bytes (0 received)`;
  it.each([
    // row, first read, still connected after it (a failed read closes the socket; the next read reconnects)
    ['exception', 'exception 6', true],
    ['noResponse', NO_REPLY, false],
    ['delayPastTimeout', NO_REPLY, false],
    ['closeFin', expect.stringMatching(/^raises ConnectionException: .*Connection unexpectedly closed/), false],
    ['closeRst', `${IO} [Errno 104] Connection reset by peer`, false],
    ['fragment', '[7,8]', true],
    ['stale', '[7,8]', true],
    ['duplicate', '[7,8]', true],
    // One request at a time: the reply is held until flushAfter (100 ms), then arrives whole.
    ['outOfOrder', '[7,8]', true],
    // pymodbus 3.0 checks neither the transaction id nor the function code of a reply, nor that it holds what was asked.
    ['wrongTransactionId', '[7,8]', true],
    ['wrongFunctionCode', '[7,8]', true],
    ['fewerRegisters', '[7]', true],
    ['wrongUnitId', UNDECODABLE, false],
    ['wrongByteCount', `${IO} Unable to decode request`, false],
    ['truncated', UNDECODABLE, false],
    ['wrongLength', UNDECODABLE, false],
    ['garbage', UNDECODABLE, false],
  ] as const)('%s: %s', (row, first, connected) => {
    expect(seen.results[row]).toEqual({ first, connectedAfterFirst: connected, second: '[7,8]' });
  });

  it('every row of the table is measured', () => {
    expect(Object.keys(seen.results).sort()).toEqual(Object.keys(ROWS).sort());
  });
});
