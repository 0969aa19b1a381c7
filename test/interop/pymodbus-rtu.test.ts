import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { SERIAL_DEFAULTS } from '../../src/protocol/rtu.js';
import { bundledDevice } from '../../src/runtime/bundled-devices.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { ptyPair, socatAvailable, SOCAT_MISSING, type PtyPair } from '../helpers/pty-pair.js';

/**
 * pymodbus's RTU framer (Debian's python3-pymodbus, as .ci/run installs it) reads and writes the
 * bundled pump served in RTU: over TCP, and on one end of a pseudo-terminal pair.
 */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('pymodbus_rtu.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import pymodbus; print(pymodbus.__version__)'], { encoding: 'utf8' });
const available = probe.status === 0;
const TITLE = available
  ? `pymodbus ${probe.stdout.trim()} (Debian python3-pymodbus), RTU framer`
  : `pymodbus RTU: SKIPPED, ${PYTHON} cannot import pymodbus (apt-get install -y python3-pymodbus; .ci/run installs it)`;
const EXPECTED = { controlWord: [0x000f], wrote: true, frequencyReference: [250] };

let emulator: Emulator | undefined;
let pty: PtyPair | undefined;
afterEach(async () => {
  await emulator?.close();
  await pty?.close();
  emulator = pty = undefined;
});

async function python(kind: 'tcp' | 'serial', where: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, kind, where], { encoding: 'utf8', timeout: 10_000 });
  return JSON.parse(stdout) as unknown;
}

describe.skipIf(!available)(TITLE, () => {
  it('over TCP (rtu-over-tcp)', async () => {
    emulator = await startEmulator({ profile: bundledDevice('pump'), logger: silentLogger, transport: 'rtu-over-tcp' });
    expect(await python('tcp', String(emulator.port))).toEqual(EXPECTED);
  });

  it.skipIf(!socatAvailable)(`on a serial line (a pseudo-terminal)${socatAvailable ? '' : `: ${SOCAT_MISSING}`}`, async () => {
    pty = await ptyPair();
    emulator = await startEmulator({ profile: bundledDevice('pump'), logger: silentLogger, serial: { ...SERIAL_DEFAULTS, path: pty.a } });
    expect(await python('serial', pty.b)).toEqual(EXPECTED);
  });
});
