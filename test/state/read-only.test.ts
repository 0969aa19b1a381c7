import { describe, expect, it, onTestFinished } from 'vitest';
import { run } from '../../src/cli/run.js';
import { startEmulator, silentLogger, type Emulator } from '../../src/index.js';
import { refuseClientWrites } from '../../src/model/switches.js';
import { bits, compile, pdu, registers, send } from '../compiler/helpers.js';
import { connectClient } from '../helpers/modbus-client.js';

/**
 * Read-only mode (`--read-only`, `readOnly`): every client write answers one exception and
 * changes nothing; reads, and the test's own writes through the API, go on.
 */
const PROFILE = `
  version: 1
  points:
    setpoint: { type: uint16, address: 10, value: 500 }
    pair: { type: uint16, address: 11, registers: 1, value: 7 }
    run: { type: bool, table: coil, address: 0, value: false }
    stop: { type: bool, table: coil, address: 1, value: false }
`;

describe('read-only storage, request by request', () => {
  const device = compile(PROFILE);
  refuseClientWrites(device, 1);

  it.each([
    ['FC 5 write single coil', pdu.writeCoil(0, true)],
    ['FC 6 write single register', pdu.writeRegister(10, 1)],
    ['FC 15 write multiple coils', pdu.writeCoils(0, [1, 1])],
    ['FC 16 write multiple registers', pdu.writeRegisters(10, [1, 2])],
    ['FC 22 mask write register', pdu.mask(10, 0, 0xffff)],
    ['FC 23 read/write, refused whole (no read data)', pdu.readWrite(10, 2, 10, [1, 2])],
  ])('%s answers exception 01 and changes nothing', (_name, request) => {
    expect(registers(send(device, request))).toBe(1);
    expect(registers(send(device, pdu.read(3, 10, 2)))).toEqual([500, 7]);
    expect(bits(send(device, pdu.read(1, 0, 2)), 2)).toEqual([0, 0]);
  });

  it('a write to an address that does not exist answers the read-only code too (every write)', () => {
    expect(registers(send(device, pdu.writeRegister(9999, 1)))).toBe(1);
  });

  it('a gateway\'s broadcast write (unit 0) stays unanswered and changes nothing', () => {
    const gateway = compile(`
      version: 1
      unitZero: broadcast
      units:
        - { unitId: [1, 2], name: meter, points: { level: { type: uint16, address: 0, value: 5 } } }
    `);
    refuseClientWrites(gateway, 1);
    expect(send(gateway, pdu.writeRegister(0, 42), 0).kind).toBe('silence');
    expect([1, 2].map((id) => gateway.unit(id)!.read('level'))).toEqual([5, 5]);
    expect(registers(send(gateway, pdu.writeRegister(0, 42), 2))).toBe(1);
  });

  it('the code is chosen, and 0 allows writes again', () => {
    const other = compile(PROFILE);
    refuseClientWrites(other, 0x0b);
    expect(registers(send(other, pdu.writeRegister(10, 1)))).toBe(0x0b);
    refuseClientWrites(other, 0);
    expect(send(other, pdu.writeRegister(10, 1)).kind).toBe('response');
    expect(registers(send(other, pdu.read(3, 10, 1)))).toEqual([1]);
  });
});

describe('startEmulator({ readOnly })', () => {
  const profile = { version: 1, points: { setpoint: { type: 'uint16', address: 10, value: 500 } } };
  async function start(readOnly: boolean | number): Promise<Emulator> {
    const emulator = await startEmulator({ profile, readOnly, logger: silentLogger });
    onTestFinished(() => emulator.close());
    return emulator;
  }

  it('a real client is refused with the code given; the API still writes; a reload stays read-only', async () => {
    const emulator = await start(6);
    const client = await connectClient(emulator.port);
    await expect(client.writeRegister(10, 1)).rejects.toMatchObject({ modbusCode: 6 });
    emulator.write('setpoint', 321);
    expect((await client.readHoldingRegisters(10, 1)).data).toEqual([321]);
    const reloaded = await emulator.reload({ ...profile, points: { ...profile.points, extra: { type: 'uint16', address: 11 } } });
    expect(reloaded.ok).toBe(true);
    await expect(client.writeRegisters(10, [1, 2])).rejects.toMatchObject({ modbusCode: 6 });
    expect((await client.readHoldingRegisters(10, 2)).data).toEqual([321, 0]);
  });

  it('true means exception 01; an invalid code is a RangeError', async () => {
    const emulator = await start(true);
    const client = await connectClient(emulator.port);
    await expect(client.writeCoil(0, true)).rejects.toMatchObject({ modbusCode: 1 });
    await expect(startEmulator({ profile, readOnly: 256, logger: silentLogger })).rejects.toThrow(/readOnly: 256 is not an exception code 1\.\.255/);
  });
});

describe('--read-only-exception', () => {
  it.each(['0', '256', 'x', '0x100', '-1'])('%s is a bad flag (exit 2) with the accepted forms', async (code) => {
    let stderr = '';
    const exit = await run(['--read-only-exception', code], { stdout: () => {}, stderr: (t) => void (stderr += t) });
    expect(exit).toBe(2);
    expect(stderr).toMatch(/must be an exception code 1\.\.255 \(decimal, or hexadecimal as 0x0B\)/);
  });
});
