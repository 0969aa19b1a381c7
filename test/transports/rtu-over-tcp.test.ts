import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { encodeRtu } from '../../src/protocol/rtu.js';
import { bundledDevice } from '../../src/runtime/bundled-devices.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { hex, toHex } from '../helpers/hex.js';
import { ModbusRTU } from '../helpers/modbus-client.js';
import { RawClient } from '../helpers/socket.js';
import { cli } from '../helpers/cli.js';
import { tmpdir } from 'node:os';

/*
 * RTU over TCP (`transport: rtu-over-tcp`): RTU frames (address, PDU, CRC) on a TCP listener, as a
 * serial gateway forwards them. The bundled pump read by modbus-serial's RTU-over-TCP client; raw
 * frames for what a client library does not send (broadcast, CRC errors, split frames). Once, in
 * the default socket I/O: test/server/framing.test.ts runs RTU through both I/O modes.
 */
const emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

/** `transport` null: the profile's own `server.transport` decides. */
async function serve(profile: string | object, transport: 'rtu-over-tcp' | 'tcp' | null = 'rtu-over-tcp'): Promise<Emulator> {
  const e = await startEmulator({ profile, logger: silentLogger, ...(transport !== null && { transport }) });
  emulators.push(e);
  return e;
}

/** Spaced hex without CRC → the RTU frame. */
const frame = (text: string): Uint8Array => {
  const bytes = hex(text);
  return encodeRtu(bytes[0]!, bytes.subarray(1));
};
const f = (text: string): string => toHex(frame(text));

const REGISTERS = { version: 1, points: { a: { type: 'uint16', address: 0, value: 0x1111 }, b: { type: 'uint16', address: 1, value: 0x2222 } } };

describe('RTU over TCP', () => {
  it('the bundled pump, read by modbus-serial over TCP in RTU framing', async () => {
    const e = await serve(bundledDevice('pump'));
    const client = new ModbusRTU();
    // Its "telnet" port sends RTU frames over TCP as they are (connectTcpRTUBuffered speaks MBAP on the wire).
    await client.connectTelnet('127.0.0.1', { port: e.port });
    client.setID(1);
    client.setTimeout(1000);
    try {
      // controlWord (8501) starts at 0x000F; frequencyReference follows it.
      const reply = await client.readHoldingRegisters(8501, 1);
      expect(reply.data).toEqual([0x000f]);
      await client.writeRegister(8502, 250);
      expect(e.read('frequencyReference')).toBe(25);
    } finally {
      await new Promise<void>((resolve) => client.close(() => resolve()));
    }
  });

  it('frames split anywhere and pipelined are answered in order', async () => {
    const e = await serve(REGISTERS);
    const c = await RawClient.connect(e.port);
    const bytes = new Uint8Array([...frame('01 03 00 00 00 01'), ...frame('01 03 00 01 00 01')]);
    await c.send(bytes.subarray(0, 3));
    await c.send(bytes.subarray(3, 11));
    await c.send(bytes.subarray(11));
    expect(toHex(await c.read(7, 1000))).toBe(f('01 03 02 11 11'));
    expect(toHex(await c.read(7, 1000))).toBe(f('01 03 02 22 22'));
  });

  it('a CRC error is dropped without a reply; the next frame is answered', async () => {
    const e = await serve(REGISTERS);
    const c = await RawClient.connect(e.port);
    const bad = frame('01 06 00 00 00 09');
    bad[bad.length - 1] ^= 0x01;
    await c.send(bad);
    await c.send(frame('01 03 00 00 00 01'));
    // The first bytes back answer the read: the write got no reply, and did not happen.
    expect(toHex(await c.read(7, 1000))).toBe(f('01 03 02 11 11'));
    expect(c.buffered).toBe(0);
  });

  it("a CRC error counts in FC 8's bus communication error count (sub-function 0x0C)", async () => {
    const e = await serve(REGISTERS);
    const c = await RawClient.connect(e.port);
    const bad = frame('01 06 00 00 00 09');
    bad[bad.length - 1] ^= 0x01;
    await c.send(bad);
    // A whole frame after the bad one: the burst of bad bytes is over, one error counted.
    await c.send(frame('01 08 00 0C 00 00'));
    expect(toHex(await c.read(8, 1000))).toBe(f('01 08 00 0C 00 01'));
  });

  it('unit 0 is broadcast: the write is carried out, nothing is answered', async () => {
    const e = await serve(REGISTERS);
    const c = await RawClient.connect(e.port);
    await c.send(frame('00 06 00 01 00 07'));
    await c.send(frame('01 03 00 01 00 01'));
    expect(toHex(await c.read(7, 1000))).toBe(f('01 03 02 00 07'));
    expect(e.read('b')).toBe(7);
  });

  it("a profile's server.transport chooses RTU; a reload back to Modbus/TCP rebinds with MBAP framing", async () => {
    const e = await serve({ ...REGISTERS, server: { transport: 'rtu-over-tcp' } }, null);
    const c = await RawClient.connect(e.port);
    await c.send(frame('01 03 00 00 00 01'));
    expect(toHex(await c.read(7, 1000))).toBe(f('01 03 02 11 11'));
    const reloaded = await e.reload({ ...REGISTERS, server: { transport: 'tcp' } });
    expect(reloaded.ok).toBe(true);
    const mbap = await RawClient.connect(e.port);
    await mbap.send('00 09 00 00 00 06 01 03 00 00 00 01');
    expect(toHex((await mbap.readAdu(1000)).pdu)).toBe('03 02 11 11');
  });

  it('the control channel cannot move a device to a serial line or change its framing (keepServer)', async () => {
    const e = await serve(REGISTERS, null);
    const toSerial = await e.runtime.reload({ ...REGISTERS, server: { serial: { path: '/dev/ttyS0' } } }, { keepServer: true });
    expect(toSerial.ok ? 'reloaded' : toSerial.error?.message).toMatch(/server settings cannot change over the control channel \(serial: default → \/dev\/ttyS0 19200 8E1\)/);
    const toRtu = await e.runtime.reload({ ...REGISTERS, server: { transport: 'rtu-over-tcp' } }, { keepServer: true });
    expect(toRtu.ok ? 'reloaded' : toRtu.error?.message).toMatch(/\(transport: default → rtu-over-tcp\)/);
    expect(e.runtime.transport).toMatchObject({ kind: 'tcp' });
  });

  it('on Modbus/TCP unit 0 stays a unit (unitZero keeps its meaning there)', async () => {
    const e = await serve(REGISTERS, 'tcp');
    const c = await RawClient.connect(e.port);
    await c.send('00 01 00 00 00 06 00 06 00 01 00 07');
    expect(toHex((await c.readAdu(1000)).pdu)).toBe('06 00 01 00 07');
  });

  it('the malformed kinds edit the RTU reply: bad CRC, wrong address byte, truncated', async () => {
    const e = await serve({
      ...REGISTERS,
      faults: [
        { name: 'crc', match: { function: 3, address: 0 }, when: { first: 1 }, do: { malformed: 'badCrc' } },
        { name: 'unit', match: { function: 3, address: 1 }, when: { first: 1 }, do: { malformed: 'wrongUnitId' } },
        { name: 'cut', match: { function: 4 }, do: { malformed: 'truncated' } },
      ],
    });
    const c = await RawClient.connect(e.port);
    await c.send(frame('01 03 00 00 00 01'));
    const good = frame('01 03 02 11 11');
    good[good.length - 2] = ~good[good.length - 2]! & 0xff;
    expect(toHex(await c.read(7, 1000))).toBe(toHex(good));
    await c.send(frame('01 03 00 01 00 01'));
    expect(toHex(await c.read(7, 1000))).toBe(f('02 03 02 22 22'));
    // An exception reply (02: no input registers) cut to half its PDU, CRC not made good.
    await c.send(frame('01 04 00 00 00 01'));
    expect(toHex(await c.read(4, 1000))).toBe(f('01 84 02').slice(0, 11));
  });

  it('the CLI: modbus-emu pump --transport rtu-over-tcp', async () => {
    const c = cli(['pump', '--transport', 'rtu-over-tcp', '--port', '0', '--no-watch'], { cwd: tmpdir() });
    const port = Number((await c.until(() => /listening on 127\.0\.0\.1:(\d+) pump/.exec(c.out.stdout)))[1]);
    expect(c.out.stderr).toContain(`pump: listening on 127.0.0.1:${port} (RTU over TCP)`);
    const raw = await RawClient.connect(port);
    await raw.send(frame('01 03 21 35 00 01'));
    expect(toHex(await raw.read(7, 1000))).toBe(f('01 03 02 00 0f'));
  });

  it('--transport takes tcp or rtu-over-tcp', async () => {
    const c = cli(['pump', '--transport', 'rtu'], { cwd: tmpdir() });
    expect(await c.exit).toBe(2);
    expect(c.out.stderr).toContain('must be tcp or rtu-over-tcp');
  });
});
