import type { DataSource, Table } from './data-source.js';

const SIZE = 0x10000;

/**
 * The default device (the ancestor's TestingDataSource): every table zero-filled over the whole
 * 0..65535 range, coils and holding registers writable by clients, every unit id sharing one
 * store. Discrete inputs and input registers are set from code through `tables`.
 */
export class InMemoryDataSource implements DataSource {
  readonly tables = {
    coils: new Uint8Array(SIZE),
    discreteInputs: new Uint8Array(SIZE),
    holdingRegisters: new Uint16Array(SIZE),
    inputRegisters: new Uint16Array(SIZE),
  } as const satisfies Record<Table, Uint8Array | Uint16Array>;

  readCoils(_unitId: number, address: number, quantity: number): Uint8Array {
    return this.tables.coils.subarray(address, address + quantity);
  }
  readDiscreteInputs(_unitId: number, address: number, quantity: number): Uint8Array {
    return this.tables.discreteInputs.subarray(address, address + quantity);
  }
  readHoldingRegisters(_unitId: number, address: number, quantity: number): Uint16Array {
    return this.tables.holdingRegisters.subarray(address, address + quantity);
  }
  readInputRegisters(_unitId: number, address: number, quantity: number): Uint16Array {
    return this.tables.inputRegisters.subarray(address, address + quantity);
  }
  writeCoils(_unitId: number, address: number, values: Uint8Array): void {
    this.tables.coils.set(values, address);
  }
  writeHoldingRegisters(_unitId: number, address: number, values: Uint16Array): void {
    this.tables.holdingRegisters.set(values, address);
  }
  checkRange(_unitId: number, _table: Table, _address: number, _quantity: number, _access: 'read' | 'write'): number {
    return 0;
  }
}
