import { createDeviceHandler } from '../device/handler.js';
import type { Table } from '../device/data-source.js';
import { InMemoryDataSource } from '../device/memory.js';
import type { Logger } from '../log.js';
import type { ServedDevice } from '../model/types.js';

/**
 * The ancestor's device, served when the CLI is given no profile. `writeRefusal` (read-only mode):
 * the exception code every client write answers, before anything changes.
 */
export function memoryDevice(logger: Logger, writeRefusal = 0): ServedDevice {
  const dataSource = new InMemoryDataSource();
  if (writeRefusal !== 0) dataSource.checkRange = (_unitId: number, _table: Table, _address: number, _quantity: number, access: 'read' | 'write') => (access === 'write' ? writeRefusal : 0);
  return {
    name: 'in-memory',
    server: {},
    handler: createDeviceHandler({ dataSource, logger }),
    summary: () => ['in-memory device: every table 0..65535 zero-filled, coils and holding registers writable, every unit id'],
  };
}
