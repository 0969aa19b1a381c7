import { describe, expect, it, vi } from 'vitest';
import { SERIAL_DEFAULTS } from '../../src/protocol/rtu.js';

// An install where the optional package (or its native part) is missing: importing it fails.
vi.mock('serialport', () => {
  throw new Error("Cannot find package 'serialport'");
});

describe('serving a serial line without the optional serialport package', () => {
  it('fails with a sentence naming the line and the package to install', async () => {
    const { openSerialPort, SerialPortMissingError } = await import('../../src/runtime/serial-port.js');
    const opening = openSerialPort({ ...SERIAL_DEFAULTS, path: '/dev/ttyUSB0' });
    await expect(opening).rejects.toBeInstanceOf(SerialPortMissingError);
    await expect(opening).rejects.toThrow("serving /dev/ttyUSB0 needs the optional package serialport, which is not installed or whose native part did not build (npm install serialport): ");
  });
});
