import { ExceptionCode } from '../protocol/constants.js';

/**
 * Typed Modbus errors. Only user code behind the DataSource seam throws these; the device handler
 * turns them into exception values at that boundary (the ancestor's CustomMODBUSError family).
 */
export class ModbusError extends Error {
  readonly code: number;
  constructor(code: number, message?: string) {
    if (!Number.isInteger(code) || code < 1 || code > 255) {
      throw new RangeError(`Modbus exception code must be 1..255, got ${code}`);
    }
    super(message ?? `Modbus exception 0x${code.toString(16).padStart(2, '0')}`);
    this.name = new.target.name;
    this.code = code;
  }
}

export class IllegalFunction extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.IllegalFunction, message);
  }
}
export class IllegalDataAddress extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.IllegalDataAddress, message);
  }
}
export class IllegalDataValue extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.IllegalDataValue, message);
  }
}
export class ServerDeviceFailure extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.ServerDeviceFailure, message);
  }
}
export class ServerDeviceBusy extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.ServerDeviceBusy, message);
  }
}
export class GatewayPathUnavailable extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.GatewayPathUnavailable, message);
  }
}
export class GatewayTargetDeviceFailedToRespond extends ModbusError {
  constructor(message?: string) {
    super(ExceptionCode.GatewayTargetDeviceFailedToRespond, message);
  }
}
/** Any exception code 1..255 (the ancestor's CustomMODBUSError). */
export class CustomModbusError extends ModbusError {}
