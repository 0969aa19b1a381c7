import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createDeviceHandler } from '../../src/device/handler.js';
import { createIdentity } from '../../src/device/identity.js';
import { InMemoryDataSource } from '../../src/device/memory.js';
import { startServer } from '../helpers/server.js';

// The package is CommonJS with an ES-style `export default` in its typings: under NodeNext the
// default import is the class at run time but typed as the module object, hence the cast.
const ModbusRTU = ModbusSerial as unknown as typeof Client;
type ModbusRTU = Client;

/**
 * The default in-memory device, driven by an independent client library (modbus-serial). It
 * drops replies whose transaction id it does not expect, so any echo mistake shows as a timeout.
 */
async function device(options: { unitId?: number; handler?: ReturnType<typeof createDeviceHandler> } = {}) {
  const dataSource = new InMemoryDataSource();
  const t = await startServer(options.handler ? { handler: options.handler } : { dataSource });
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port: t.port });
  client.setID(options.unitId ?? 1);
  client.setTimeout(2000);
  onTestFinished(() => new Promise<void>((resolve) => client.close(() => resolve())));
  return { client, tables: dataSource.tables };
}

type Callback<T> = (error: Error | null, data: T) => void;

/** FC 17. The library's promise wrapper passes the callback as its second argument, so call the raw one. */
function reportServerId(client: ModbusRTU, unitId: number) {
  const raw = client as unknown as {
    writeFC17(unitId: number, _a: null, _b: null, next: Callback<{ serverId: number; running: boolean; additionalData: Buffer }>): void;
  };
  return new Promise<{ serverId: number; running: boolean; additionalData: Buffer }>((resolve, reject) =>
    raw.writeFC17(unitId, null, null, (error, data) => (error ? reject(error) : resolve(data))),
  );
}

/** FC 23 through the typed callback API (the promise wrapper exists but is not in the typings). */
function readWriteRegisters(client: ModbusRTU, unitId: number, readAddress: number, readQuantity: number, writeAddress: number, values: number[]) {
  return new Promise<number[]>((resolve, reject) =>
    client.writeFC23(unitId, readAddress, readQuantity, writeAddress, values.length, values, (error, data) =>
      error ? reject(error) : resolve(data.data),
    ),
  );
}

describe('core device with modbus-serial as the client', () => {
  it('FC 5 write single coil, FC 1 read coils', async () => {
    const { client, tables } = await device();
    expect(await client.writeCoil(3, true)).toEqual({ address: 3, state: true });
    expect(tables.coils[3]).toBe(1);
    const { data } = await client.readCoils(0, 10);
    expect(data.slice(0, 10)).toEqual([false, false, false, true, false, false, false, false, false, false]);
    expect(await client.writeCoil(3, false)).toEqual({ address: 3, state: false });
    expect(tables.coils[3]).toBe(0);
  });

  it('FC 15 write multiple coils, read back with FC 1', async () => {
    const { client, tables } = await device();
    const states = [true, false, true, true, false, false, false, false, true];
    expect(await client.writeCoils(100, states)).toEqual({ address: 100, length: 9 });
    expect(Array.from(tables.coils.subarray(100, 109))).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 1]);
    expect((await client.readCoils(100, 9)).data.slice(0, 9)).toEqual(states);
  });

  it('FC 2 read discrete inputs, including the full 2000', async () => {
    const { client, tables } = await device();
    tables.discreteInputs[1] = 1;
    tables.discreteInputs[8] = 1;
    tables.discreteInputs[1999] = 1;
    expect((await client.readDiscreteInputs(0, 9)).data.slice(0, 9)).toEqual([false, true, false, false, false, false, false, false, true]);
    const all = (await client.readDiscreteInputs(0, 2000)).data;
    expect(all.slice(0, 2000).filter(Boolean)).toHaveLength(3);
    expect(all[1999]).toBe(true);
  });

  it('FC 6 write single register, FC 3 read holding registers', async () => {
    const { client, tables } = await device();
    expect(await client.writeRegister(10, 0xbeef)).toEqual({ address: 10, value: 0xbeef });
    expect(tables.holdingRegisters[10]).toBe(0xbeef);
    expect((await client.readHoldingRegisters(9, 3)).data).toEqual([0, 0xbeef, 0]);
  });

  it('FC 16 write multiple registers, read back with FC 3 up to the last address', async () => {
    const { client, tables } = await device();
    expect(await client.writeRegisters(65532, [1, 2, 3, 0xffff])).toEqual({ address: 65532, length: 4 });
    expect(Array.from(tables.holdingRegisters.subarray(65532))).toEqual([1, 2, 3, 0xffff]);
    const { data } = await client.readHoldingRegisters(65536 - 125, 125);
    expect(data.slice(-4)).toEqual([1, 2, 3, 0xffff]);
  });

  it('FC 4 read input registers', async () => {
    const { client, tables } = await device();
    tables.inputRegisters.set([0x0102, 0x8000, 0xffff], 30);
    expect((await client.readInputRegisters(30, 3)).data).toEqual([0x0102, 0x8000, 0xffff]);
  });

  it('FC 17 report server id: default id, running, additional data', async () => {
    const { client } = await device();
    const reply = await reportServerId(client, 1);
    expect(reply.serverId).toBe(0x01);
    expect(reply.running).toBe(true);
    expect(reply.additionalData.toString('ascii')).toBe('modbus-emu MODBUS-EMU');
  });

  it('FC 22 mask write register (the AP 6.16 example: 0x12, and 0xf2, or 0x25 gives 0x17)', async () => {
    const { client, tables } = await device();
    tables.holdingRegisters[4] = 0x12;
    expect(await client.maskWriteRegister(4, 0xf2, 0x25)).toEqual({ address: 4, andMask: 0xf2, orMask: 0x25 });
    expect(tables.holdingRegisters[4]).toBe(0x17);
  });

  it('FC 23 read/write multiple registers: writes first, then reads', async () => {
    const { client, tables } = await device();
    tables.holdingRegisters.set([0xaaaa, 0xbbbb, 0xcccc, 0xdddd], 299);
    expect(await readWriteRegisters(client, 1, 299, 4, 300, [7, 8])).toEqual([0xaaaa, 7, 8, 0xdddd]);
    expect(Array.from(tables.holdingRegisters.subarray(299, 303))).toEqual([0xaaaa, 7, 8, 0xdddd]);
  });

  it('FC 43 / 14 read device identification: basic stream', async () => {
    const { client } = await device();
    const reply = await client.readDeviceIdentification(1, 0);
    expect(reply.data).toEqual({ 0: 'modbus-emu', 1: 'MODBUS-EMU', 2: '0.1' });
    expect(reply.conformityLevel).toBe(0x81);
  });

  it('FC 43 / 14 extended stream paged over several replies (the client follows more-follows)', async () => {
    const identity = createIdentity({
      productName: 'Pump',
      privateObjects: { 0x80: 'a'.repeat(200), 0x81: 'b'.repeat(200), 0x82: 'c'.repeat(10) },
    });
    const handler = createDeviceHandler({ dataSource: new InMemoryDataSource(), identity });
    const { client } = await device({ handler });
    const reply = await client.readDeviceIdentification(3, 0);
    expect(reply.data).toEqual({
      0: 'modbus-emu',
      1: 'MODBUS-EMU',
      2: '0.1',
      4: 'Pump',
      128: 'a'.repeat(200),
      129: 'b'.repeat(200),
      130: 'c'.repeat(10),
    });
    expect(reply.conformityLevel).toBe(0x83);
  });

  it.each([0, 1, 247, 255])('answers unit id %i (the client checks the echo)', async (unitId) => {
    const { client, tables } = await device({ unitId });
    tables.holdingRegisters[0] = unitId;
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([unitId]);
  });

  it.each([
    ['reading past 65535', (c: ModbusRTU) => c.readHoldingRegisters(65535, 2), 2],
    ['FC 1 for 2001 coils', (c: ModbusRTU) => c.readCoils(0, 2001), 3],
    ['FC 4 for 126 registers', (c: ModbusRTU) => c.readInputRegisters(0, 126), 3],
    ['FC 43 code 4 for an object the device lacks', (c: ModbusRTU) => c.readDeviceIdentification(4, 0x05), 2],
  ])('exception replies surface as err.modbusCode: %s', async (_name, call, code) => {
    const { client } = await device();
    await expect(call(client)).rejects.toMatchObject({ modbusCode: code });
    // Still connected and in step afterwards.
    expect((await client.readHoldingRegisters(0, 1)).data).toEqual([0]);
  });

  it('many requests in a row keep transaction ids in step', async () => {
    const { client, tables } = await device();
    for (let i = 0; i < 300; i++) {
      await client.writeRegister(i, i * 3);
      expect(tables.holdingRegisters[i]).toBe(i * 3);
    }
    expect((await client.readHoldingRegisters(297, 3)).data).toEqual([891, 894, 897]);
  });
});
