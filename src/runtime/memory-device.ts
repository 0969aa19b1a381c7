import { createDeviceHandler } from '../device/handler.js';
import { InMemoryDataSource } from '../device/memory.js';
import type { Logger } from '../log.js';
import type { ServedDevice } from '../model/types.js';

/** The ancestor's device, served when the CLI is given no profile. */
export function memoryDevice(logger: Logger): ServedDevice {
  return {
    name: 'in-memory',
    server: {},
    handler: createDeviceHandler({ dataSource: new InMemoryDataSource(), logger }),
    summary: () => ['in-memory device: every table 0..65535 zero-filled, coils and holding registers writable, every unit id'],
  };
}
