import { ExceptionCode, FunctionCode, Limits, MEI_READ_DEVICE_ID, COIL_OFF, COIL_ON } from './constants.js';
import { allocWords } from './slab.js';

/** A decoded request PDU. Malformed or unsupported PDUs decode to `invalid` with the exception to send. */
export type Request =
  | ReadRequest
  | { readonly kind: 'writeSingleCoil'; readonly functionCode: 0x05; readonly address: number; readonly value: boolean }
  | { readonly kind: 'writeSingleRegister'; readonly functionCode: 0x06; readonly address: number; readonly value: number }
  | {
      readonly kind: 'writeMultipleCoils';
      readonly functionCode: 0x0f;
      readonly address: number;
      readonly quantity: number;
      /** One byte per coil, 0 or 1. */
      readonly values: Uint8Array;
    }
  | {
      readonly kind: 'writeMultipleRegisters';
      readonly functionCode: 0x10;
      readonly address: number;
      readonly quantity: number;
      readonly values: Uint16Array;
    }
  | {
      readonly kind: 'maskWriteRegister';
      readonly functionCode: 0x16;
      readonly address: number;
      readonly andMask: number;
      readonly orMask: number;
    }
  | {
      readonly kind: 'readWriteMultipleRegisters';
      readonly functionCode: 0x17;
      readonly readAddress: number;
      readonly readQuantity: number;
      readonly writeAddress: number;
      readonly writeQuantity: number;
      readonly values: Uint16Array;
    }
  | { readonly kind: 'reportServerId'; readonly functionCode: 0x11 }
  | {
      readonly kind: 'readDeviceIdentification';
      readonly functionCode: 0x2b;
      /** 1 basic, 2 regular, 3 extended (streams), 4 one object. */
      readonly readDeviceIdCode: number;
      readonly objectId: number;
    }
  | { readonly kind: 'diagnostics'; readonly functionCode: 0x08; readonly subFunction: number; readonly data: Uint8Array }
  | { readonly kind: 'invalid'; readonly functionCode: number; readonly exception: number };

export interface ReadRequest {
  readonly kind: 'readCoils' | 'readDiscreteInputs' | 'readHoldingRegisters' | 'readInputRegisters';
  readonly functionCode: 0x01 | 0x02 | 0x03 | 0x04;
  readonly address: number;
  readonly quantity: number;
}

export type RequestKind = Request['kind'];

function invalid(functionCode: number, exception: number): Request {
  return { kind: 'invalid', functionCode, exception };
}

const u16 = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;

/** True when [address, address + quantity) runs past 65535 (AP: start+quantity−1 must be an address). */
const pastEnd = (address: number, quantity: number): boolean => address + quantity > Limits.addressSpace;

const READ_KINDS = ['', 'readCoils', 'readDiscreteInputs', 'readHoldingRegisters', 'readInputRegisters'] as const;

/**
 * Decodes one request PDU, applying the order of checks of AP 6/7 (docs/protocol.md, "The order of checks"): 01 unsupported
 * function, then 03 quantity / byte count / PDU length, then 02 for a range running past 65535.
 * Whether a range is mapped is the data source's business (also 02), checked after this.
 * Never throws, for any bytes.
 */
export function decodeRequest(pdu: Uint8Array): Request {
  const fc = pdu.length > 0 ? pdu[0]! : 0;
  const n = pdu.length;
  switch (fc) {
    case FunctionCode.ReadCoils:
    case FunctionCode.ReadDiscreteInputs:
    case FunctionCode.ReadHoldingRegisters:
    case FunctionCode.ReadInputRegisters: {
      if (n !== 5) return invalid(fc, ExceptionCode.IllegalDataValue);
      const address = u16(pdu, 1);
      const quantity = u16(pdu, 3);
      const max = fc <= 2 ? Limits.readBitsMax : Limits.readRegistersMax;
      if (quantity < 1 || quantity > max) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (pastEnd(address, quantity)) return invalid(fc, ExceptionCode.IllegalDataAddress);
      return { kind: READ_KINDS[fc], functionCode: fc, address, quantity } as ReadRequest;
    }
    case FunctionCode.WriteSingleCoil: {
      if (n !== 5) return invalid(fc, ExceptionCode.IllegalDataValue);
      const value = u16(pdu, 3);
      // AP figure 15: the value is checked before the address.
      if (value !== COIL_ON && value !== COIL_OFF) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'writeSingleCoil', functionCode: fc, address: u16(pdu, 1), value: value === COIL_ON };
    }
    case FunctionCode.WriteSingleRegister: {
      if (n !== 5) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'writeSingleRegister', functionCode: fc, address: u16(pdu, 1), value: u16(pdu, 3) };
    }
    case FunctionCode.WriteMultipleCoils: {
      if (n < 6) return invalid(fc, ExceptionCode.IllegalDataValue);
      const address = u16(pdu, 1);
      const quantity = u16(pdu, 3);
      const byteCount = pdu[5]!;
      if (quantity < 1 || quantity > Limits.writeCoilsMax) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (byteCount !== Math.ceil(quantity / 8) || n !== 6 + byteCount) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (pastEnd(address, quantity)) return invalid(fc, ExceptionCode.IllegalDataAddress);
      const values = new Uint8Array(quantity);
      for (let i = 0; i < quantity; i++) values[i] = (pdu[6 + (i >>> 3)]! >>> (i & 7)) & 1;
      return { kind: 'writeMultipleCoils', functionCode: fc, address, quantity, values };
    }
    case FunctionCode.WriteMultipleRegisters: {
      if (n < 6) return invalid(fc, ExceptionCode.IllegalDataValue);
      const address = u16(pdu, 1);
      const quantity = u16(pdu, 3);
      const byteCount = pdu[5]!;
      if (quantity < 1 || quantity > Limits.writeRegistersMax) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (byteCount !== quantity * 2 || n !== 6 + byteCount) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (pastEnd(address, quantity)) return invalid(fc, ExceptionCode.IllegalDataAddress);
      return { kind: 'writeMultipleRegisters', functionCode: fc, address, quantity, values: readWords(pdu, 6, quantity) };
    }
    case FunctionCode.MaskWriteRegister: {
      if (n !== 7) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'maskWriteRegister', functionCode: fc, address: u16(pdu, 1), andMask: u16(pdu, 3), orMask: u16(pdu, 5) };
    }
    case FunctionCode.ReadWriteMultipleRegisters: {
      if (n < 10) return invalid(fc, ExceptionCode.IllegalDataValue);
      const readAddress = u16(pdu, 1);
      const readQuantity = u16(pdu, 3);
      const writeAddress = u16(pdu, 5);
      const writeQuantity = u16(pdu, 7);
      const byteCount = pdu[9]!;
      if (readQuantity < 1 || readQuantity > Limits.readWriteReadMax) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (writeQuantity < 1 || writeQuantity > Limits.readWriteWriteMax) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (byteCount !== writeQuantity * 2 || n !== 10 + byteCount) return invalid(fc, ExceptionCode.IllegalDataValue);
      if (pastEnd(readAddress, readQuantity) || pastEnd(writeAddress, writeQuantity)) {
        return invalid(fc, ExceptionCode.IllegalDataAddress);
      }
      return {
        kind: 'readWriteMultipleRegisters',
        functionCode: fc,
        readAddress,
        readQuantity,
        writeAddress,
        writeQuantity,
        values: readWords(pdu, 10, writeQuantity),
      };
    }
    case FunctionCode.ReportServerId: {
      if (n !== 1) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'reportServerId', functionCode: fc };
    }
    case FunctionCode.EncapsulatedInterface: {
      // AP figure 30: function (incl. MEI type) 01, then read-dev-id code 03; object id 02 is the server's.
      if (n < 2 || pdu[1] !== MEI_READ_DEVICE_ID) return invalid(fc, ExceptionCode.IllegalFunction);
      if (n !== 4) return invalid(fc, ExceptionCode.IllegalDataValue);
      const readDeviceIdCode = pdu[2]!;
      if (readDeviceIdCode < 1 || readDeviceIdCode > 4) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'readDeviceIdentification', functionCode: fc, readDeviceIdCode, objectId: pdu[3]! };
    }
    case FunctionCode.Diagnostics: {
      if (n < 3) return invalid(fc, ExceptionCode.IllegalDataValue);
      return { kind: 'diagnostics', functionCode: fc, subFunction: u16(pdu, 1), data: pdu.subarray(3) };
    }
    default:
      return invalid(fc, ExceptionCode.IllegalFunction);
  }
}

function readWords(pdu: Uint8Array, offset: number, count: number): Uint16Array {
  const words = allocWords(count);
  for (let i = 0; i < count; i++) words[i] = (pdu[offset + 2 * i]! << 8) | pdu[offset + 2 * i + 1]!;
  return words;
}
