import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { encodeRtu, SERIAL_DEFAULTS } from '../../src/protocol/rtu.js';
import { hex, toHex } from '../helpers/hex.js';
import { bundledDevice } from '../../src/runtime/bundled-devices.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { RawClient } from '../helpers/socket.js';
import { ModbusRTU } from '../helpers/modbus-client.js';
import { ptyPair, socatAvailable, SOCAT_MISSING, type PtyPair } from '../helpers/pty-pair.js';

/*
 * RTU on a serial line for real: the emulator opens one end of a socat pseudo-terminal pair
 * through the `serialport` package, modbus-serial's RTU client the other end.
 */
let pty: PtyPair;
const emulators: Emulator[] = [];
const clients: ModbusRTU[] = [];
beforeEach(async () => {
  if (socatAvailable) pty = await ptyPair();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
  await pty?.close();
});

const frame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};

/** modbus-serial's RTU client on `path` (19200 8E1; a pseudo-terminal ignores the line settings). */
async function rtuClient(path: string, unitId = 1): Promise<ModbusRTU> {
  const client = new ModbusRTU();
  clients.push(client);
  await client.connectRTUBuffered(path, { baudRate: 19200, parity: 'even', dataBits: 8, stopBits: 1 });
  client.setID(unitId);
  client.setTimeout(1000);
  return client;
}

describe.skipIf(!socatAvailable)(`RTU on a pseudo-terminal${socatAvailable ? '' : `: ${SOCAT_MISSING}`}`, () => {
  it('the bundled pump, served with `serial`, read and written by modbus-serial', async () => {
    const e = await startEmulator({ profile: bundledDevice('pump'), logger: silentLogger, serial: { ...SERIAL_DEFAULTS, path: pty.a } });
    emulators.push(e);
    expect(e.address).toEqual({ host: pty.a, port: 0, family: 'serial' });
    const client = await rtuClient(pty.b);
    expect((await client.readHoldingRegisters(8501, 1)).data).toEqual([0x000f]);
    await client.writeRegister(8502, 300);
    expect(e.read('frequencyReference')).toBe(30);
  });

  it('a unit the line does not serve gets no reply; a broadcast write is carried out', async () => {
    const e = await startEmulator({ profile: { version: 1, points: { a: { type: 'uint16', address: 0, value: 5 } } }, logger: silentLogger, serial: { ...SERIAL_DEFAULTS, path: pty.a, unitId: 3 } });
    emulators.push(e);
    // Raw frames (modbus-serial sends no broadcast): the first bytes back answer the last request.
    const line = new SerialPort({ path: pty.b, baudRate: 19200, parity: 'even' });
    onTestFinished(() => new Promise<void>((resolve) => (line.isOpen ? line.close(() => resolve()) : resolve())));
    const reply = new Promise<Buffer>((resolve, reject) => {
      let got = Buffer.alloc(0);
      const timeout = setTimeout(() => reject(new Error(`no 7-byte reply of unit 3 within 1 s; got ${toHex(got)}`)), 1000);
      line.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length < 7) return;
        clearTimeout(timeout);
        resolve(got);
      });
    });
    line.write(frame('04 03 00 00 00 01'));
    line.write(frame('00 06 00 00 00 4d'));
    line.write(frame('03 03 00 00 00 01'));
    expect(toHex(await reply)).toBe(toHex(frame('03 03 02 00 4d')));
  });

  it("a reload that changes the profile's line settings reopens the line", async () => {
    const profile = (baudRate: number) => ({ version: 1, server: { serial: { path: pty.a, baudRate } }, points: { a: { type: 'uint16', address: 0, value: baudRate / 100 } } });
    const e = await startEmulator({ profile: profile(19200), logger: silentLogger });
    emulators.push(e);
    const reloaded = await e.reload(profile(9600));
    expect(reloaded.ok ? 'reloaded' : String(reloaded.error)).toBe('reloaded');
    expect(e.runtime.transport).toMatchObject({ kind: 'serial', line: { path: pty.a, baudRate: 9600 } });
    const client = await rtuClient(pty.b);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([96]);
  });

  it('one process serves TCP and a serial line side by side', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'modbus-emu-serial-'));
    onTestFinished(() => rmSync(folder, { recursive: true, force: true }));
    writeFileSync(join(folder, 'meter.yaml'), `version: 1\nserver: { serial: { path: ${pty.a} } }\npoints: { power: { type: uint16, address: 0, value: 1234 } }\n`);
    const c = cli(['pump', 'meter.yaml', '--port', '0', '--no-watch'], { cwd: folder });
    const port = Number((await c.until(() => /listening on 127\.0\.0\.1:(\d+) pump/.exec(c.out.stdout)))[1]);
    await c.until(() => c.out.stdout.includes(`listening on ${pty.a} meter.yaml`));
    const tcp = await RawClient.connect(port);
    await tcp.send('00 01 00 00 00 06 01 03 21 35 00 01');
    expect(toHex((await tcp.readAdu(1000)).pdu)).toBe('03 02 00 0f');
    const client = await rtuClient(pty.b);
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([1234]);
  });

  it('the CLI: modbus-emu pump --serial PATH', async () => {
    const c = cli(['pump', '--serial', pty.a, '--baud', '9600', '--parity', 'none', '--stop-bits', '2', '--no-watch'], { cwd: tmpdir() });
    await c.until(() => c.out.stdout.includes(`listening on ${pty.a} pump`));
    expect(c.out.stderr).toContain(`pump: listening on ${pty.a} 9600 8N2 (RTU)`);
    const client = await rtuClient(pty.b);
    expect((await client.readHoldingRegisters(8501, 1)).data).toEqual([0x000f]);
  });
});

describe('serial flags and failures', () => {
  it.each([
    [['--baud', '9600'], '--baud sets the line of --serial: give --serial PATH too'],
    [['--serial', '/dev/x', '--transport', 'rtu-over-tcp'], '--serial and --transport exclude each other'],
    [['pump', 'meter-sdm630', '--serial', '/dev/x'], '--serial serves one profile on its line'],
  ])('%j is refused before anything starts', async (args, message) => {
    const c = cli(args, { cwd: tmpdir() });
    expect(await c.exit).toBe(2);
    expect(c.out.stderr).toContain(message);
  });

  it('a serial line that cannot be opened stops the start, saying which', async () => {
    const c = cli(['pump', '--serial', '/dev/modbus-emu-no-such-line'], { cwd: tmpdir() });
    expect(await c.exit).toBe(1);
    expect(c.out.stderr).toMatch(/pump: cannot open \/dev\/modbus-emu-no-such-line 19200 8E1 \(RTU\): .*No such file/);
  });
});
