import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { onTestFinished } from 'vitest';
import { NETWORK_TIMEOUT_MS, within } from './within.js';

// modbus-serial's default export does not type-check under NodeNext; its class type does.
export const ModbusRTU = ModbusSerial as unknown as typeof Client;
export type ModbusRTU = Client;

/**
 * An independent Modbus TCP client (modbus-serial) connected to 127.0.0.1:`port`, addressing
 * `unitId`, closed after the test.
 */
export async function connectClient(port: number, unitId = 1): Promise<ModbusRTU> {
  const client = await openClient(port, unitId);
  onTestFinished(() => closeClient(client));
  return client;
}

/** The same client, closed by the caller (`closeClient`): one shared by the tests of a file. */
export async function openClient(port: number, unitId = 1): Promise<ModbusRTU> {
  const client = new ModbusRTU();
  await within(`a connection to 127.0.0.1:${port}`, client.connectTCP('127.0.0.1', { port }));
  client.setID(unitId);
  // A missing reply fails in about a second (modbus-serial says "Timed out"; the failing line says which read).
  client.setTimeout(NETWORK_TIMEOUT_MS);
  return client;
}

/** Closes a modbus-serial client; one the server already closed never calls close()'s callback. */
export function closeClient(client: ModbusRTU): Promise<void> {
  if (!client.isOpen) return Promise.resolve();
  return new Promise((resolve) => client.close(() => resolve()));
}
