import type { Duplex } from 'node:stream';
import type { SerialLine } from '../protocol/rtu.js';
import type { OpenSerial } from '../server/serial.js';

/** The part of the `serialport` package used here. */
interface SerialPortModule {
  SerialPort: new (options: { path: string; baudRate: number; parity: string; dataBits: number; stopBits: number; autoOpen: false }) => Duplex & {
    open(callback: (error: Error | null) => void): void;
    close(callback: (error: Error | null) => void): void;
    readonly isOpen: boolean;
  };
}

/** Thrown when a serial line is to be served and the optional `serialport` package cannot be loaded. */
export class SerialPortMissingError extends Error {
  constructor(line: SerialLine, cause: unknown) {
    super(`serving ${line.path} needs the optional package serialport, which is not installed or whose native part did not build (npm install serialport): ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'SerialPortMissingError';
  }
}

/**
 * Opens `line` through `serialport`, an optional dependency: imported here only, when a serial
 * line is served, so an install without its native part still serves TCP.
 */
export const openSerialPort: OpenSerial = async (line) => {
  let module: SerialPortModule;
  try {
    module = (await import('serialport')) as unknown as SerialPortModule;
  } catch (error) {
    throw new SerialPortMissingError(line, error);
  }
  const port = new module.SerialPort({ path: line.path, baudRate: line.baudRate, parity: line.parity, dataBits: line.dataBits, stopBits: line.stopBits, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  // Its stream's destroy() leaves the device open (and locked): close it first, so a line
  // reopened with new settings (a reload) or by another program finds it free.
  port._destroy = (error, callback) => {
    if (!port.isOpen) return callback(error);
    port.close(() => callback(error));
  };
  return port;
};
