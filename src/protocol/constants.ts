/** Function codes (AP 5.1, 6). */
export const FunctionCode = {
  ReadCoils: 0x01,
  ReadDiscreteInputs: 0x02,
  ReadHoldingRegisters: 0x03,
  ReadInputRegisters: 0x04,
  WriteSingleCoil: 0x05,
  WriteSingleRegister: 0x06,
  Diagnostics: 0x08,
  WriteMultipleCoils: 0x0f,
  WriteMultipleRegisters: 0x10,
  ReportServerId: 0x11,
  MaskWriteRegister: 0x16,
  ReadWriteMultipleRegisters: 0x17,
  EncapsulatedInterface: 0x2b,
} as const;
export type FunctionCode = (typeof FunctionCode)[keyof typeof FunctionCode];

/** Exception codes (AP 7). Any value 1..255 may travel on the wire. */
export const ExceptionCode = {
  IllegalFunction: 0x01,
  IllegalDataAddress: 0x02,
  IllegalDataValue: 0x03,
  ServerDeviceFailure: 0x04,
  Acknowledge: 0x05,
  ServerDeviceBusy: 0x06,
  MemoryParityError: 0x08,
  GatewayPathUnavailable: 0x0a,
  GatewayTargetDeviceFailedToRespond: 0x0b,
} as const;
/** A named exception code; custom codes 1..255 (CustomModbusError, fault rules) stay plain numbers. */
export type ExceptionCode = (typeof ExceptionCode)[keyof typeof ExceptionCode];

/** MEI type of FC 43 read device identification. */
export const MEI_READ_DEVICE_ID = 0x0e;

/** Quantity limits (AP 6). */
export const Limits = {
  readBitsMax: 2000,
  readRegistersMax: 125,
  writeCoilsMax: 1968,
  writeRegistersMax: 123,
  readWriteReadMax: 125,
  readWriteWriteMax: 121,
  /** PDU ≤ 253 bytes (AP 4.1), so the MBAP length field (unit id + PDU) is 2..254 (IG 3.1). */
  pduMax: 253,
  mbapLengthMin: 2,
  mbapLengthMax: 254,
  mbapHeaderBytes: 7,
  addressSpace: 0x10000,
} as const;

export const COIL_ON = 0xff00;
export const COIL_OFF = 0x0000;
