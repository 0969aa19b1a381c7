import { describe, expect, it } from 'vitest';
import { InMemoryDataSource } from '../../src/device/memory.js';

describe('InMemoryDataSource', () => {
  it('covers the whole 0..65535 range of every table, zero-filled', () => {
    const ds = new InMemoryDataSource();
    for (const table of Object.values(ds.tables)) {
      expect(table.length).toBe(0x10000);
      expect(table.every((v) => v === 0)).toBe(true);
    }
    expect(ds.tables.coils).toBeInstanceOf(Uint8Array);
    expect(ds.tables.holdingRegisters).toBeInstanceOf(Uint16Array);
  });

  it('reads exactly `quantity` values from each table, up to the last address', () => {
    const ds = new InMemoryDataSource();
    ds.tables.coils[0xffff] = 1;
    ds.tables.discreteInputs.set([1, 0, 1], 10);
    ds.tables.holdingRegisters.set([0x1234, 0xabcd], 0xfffe);
    ds.tables.inputRegisters[7] = 42;
    expect(Array.from(ds.readCoils(1, 0xfffe, 2))).toEqual([0, 1]);
    expect(Array.from(ds.readDiscreteInputs(1, 10, 3))).toEqual([1, 0, 1]);
    expect(Array.from(ds.readHoldingRegisters(1, 0xfffe, 2))).toEqual([0x1234, 0xabcd]);
    expect(Array.from(ds.readInputRegisters(1, 6, 2))).toEqual([0, 42]);
  });

  it('writes coils and holding registers in place', () => {
    const ds = new InMemoryDataSource();
    ds.writeCoils(1, 0xfffd, Uint8Array.of(1, 1, 1));
    ds.writeHoldingRegisters(1, 100, Uint16Array.of(7, 8));
    expect(Array.from(ds.tables.coils.subarray(0xfffc))).toEqual([0, 1, 1, 1]);
    expect(Array.from(ds.tables.holdingRegisters.subarray(99, 103))).toEqual([0, 7, 8, 0]);
  });

  it('discrete inputs and input registers are read-only for clients', () => {
    const ds = new InMemoryDataSource();
    expect('writeDiscreteInputs' in ds).toBe(false);
    expect('writeInputRegisters' in ds).toBe(false);
  });

  it('every unit id shares one store', () => {
    const ds = new InMemoryDataSource();
    ds.writeHoldingRegisters(0, 5, Uint16Array.of(99));
    expect(ds.readHoldingRegisters(255, 5, 1)[0]).toBe(99);
    expect(ds.readHoldingRegisters(17, 5, 1)[0]).toBe(99);
  });

  it('reads are views into live storage (the seam allows it: read before the next request)', () => {
    const ds = new InMemoryDataSource();
    const view = ds.readHoldingRegisters(1, 0, 2);
    ds.writeHoldingRegisters(1, 1, Uint16Array.of(5));
    expect(Array.from(view)).toEqual([0, 5]);
  });

  it('every range is allowed', () => {
    const ds = new InMemoryDataSource();
    expect(ds.checkRange(1, 'holdingRegisters', 0, 1, 'write')).toBe(0);
  });

  it('instances do not share storage', () => {
    const a = new InMemoryDataSource();
    const b = new InMemoryDataSource();
    a.tables.coils[1] = 1;
    expect(b.tables.coils[1]).toBe(0);
  });
});
