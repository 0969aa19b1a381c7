import { ExceptionCode } from '../protocol/constants.js';
import { encodeDeviceIdentification } from '../protocol/device-id.js';
import {
  encodeReadBitsResponse,
  encodeReadRegistersResponse,
  encodeReportServerIdResponse,
  encodeWriteMultipleResponse,
} from '../protocol/response.js';
import { functionDescriptor } from '../protocol/functions.js';
import type { Request, UserDefinedRequest } from '../protocol/request.js';
import { exception, isPromiseLike, response } from '../pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../pipeline/types.js';
import type { Logger } from '../log.js';
import { defaultLogger } from '../log.js';
import type { BitValues, DataSource, MaybePromise, RegisterValues, Table } from './data-source.js';
import { ModbusError } from './errors.js';
import { createIdentity, type DeviceIdentity } from './identity.js';
import type { Diagnostics } from './diagnostics.js';

export interface DeviceHandlerOptions {
  dataSource: DataSource;
  identity?: DeviceIdentity;
  /** Where data-source failures are reported. Default: `defaultLogger` (warnings and errors on stderr). */
  logger?: Logger;
  /**
   * Serves FC 8's counters, diagnostic register and listen-only mode (a compiled profile's
   * Diagnostics). Without it only sub-function 0 (return query data) is served; the others get 01.
   */
  diagnostics?: Pick<Diagnostics, 'answer'>;
}

const ILLEGAL_FUNCTION = exception(ExceptionCode.IllegalFunction);
const FAILURE = exception(ExceptionCode.ServerDeviceFailure);

/**
 * Maps a decoded request onto a DataSource and returns an Outcome. This is the boundary where the
 * user-facing seam is normalised: values or Promises in, typed Modbus errors to exception values,
 * anything else thrown to exception 04 plus one log line. A synchronous source stays synchronous.
 */
export function createDeviceHandler(options: DeviceHandlerOptions): Handler {
  const ds = options.dataSource;
  const identity = options.identity ?? createIdentity();
  const logger = options.logger ?? defaultLogger;
  const diagnostics = options.diagnostics;

  function fail(x: Exchange, error: unknown): Outcome {
    if (error instanceof ModbusError) return exception(error.code);
    const detail = error instanceof Error ? error.message : String(error);
    logger.log('error', `unit ${x.unitId} ${x.request.kind}: data source failed: ${detail} (answered 04)`);
    return FAILURE;
  }

  /** Runs a data-source call and maps its value, staying synchronous when the call is. */
  function settle<T>(
    x: Exchange,
    result: MaybePromise<T>,
    map: (value: T) => Outcome | Promise<Outcome>,
  ): Outcome | Promise<Outcome> {
    if (!isPromiseLike(result)) return map(result);
    return Promise.resolve(result).then(map, (error: unknown) => fail(x, error));
  }

  function check(unitId: number, table: Table, address: number, quantity: number, access: 'read' | 'write'): number {
    return ds.checkRange ? ds.checkRange(unitId, table, address, quantity, access) : 0;
  }

  function shortResult(x: Exchange, got: number, want: number): Outcome {
    logger.log('error', `unit ${x.unitId} ${x.request.kind}: data source returned ${got} values for ${want} (answered 04)`);
    return FAILURE;
  }

  // `!(length >= quantity)` also rejects a value with no numeric length (JavaScript callers).
  function bits(x: Exchange, fc: number, quantity: number, values: BitValues): Outcome {
    if (!(values?.length >= quantity)) return shortResult(x, values?.length ?? 0, quantity);
    return response(encodeReadBitsResponse(fc, values, quantity));
  }

  function registers(x: Exchange, fc: number, quantity: number, values: RegisterValues): Outcome {
    if (!(values?.length >= quantity)) return shortResult(x, values?.length ?? 0, quantity);
    return response(encodeReadRegistersResponse(fc, values, quantity));
  }

  function read(x: Exchange, fc: number, table: Table, address: number, quantity: number): Outcome | Promise<Outcome> {
    const fn = ds[READERS[table]];
    if (!fn) return ILLEGAL_FUNCTION;
    const code = check(x.unitId, table, address, quantity, 'read');
    if (code) return exception(code);
    let result: MaybePromise<ArrayLike<number | boolean>>;
    try {
      result = fn.call(ds, x.unitId, address, quantity);
    } catch (error) {
      return fail(x, error);
    }
    const isBits = table === 'coils' || table === 'discreteInputs';
    // Every read request comes here: the synchronous case maps the values without a closure.
    if (!isPromiseLike(result)) return isBits ? bits(x, fc, quantity, result) : registers(x, fc, quantity, result as RegisterValues);
    return settle(x, result, (v) => (isBits ? bits(x, fc, quantity, v) : registers(x, fc, quantity, v as RegisterValues)));
  }

  /** FC 5/6/15/16 and the write half of FC 22/23: checkRange, then the data source's write. */
  function write(
    x: Exchange,
    table: 'coils' | 'holdingRegisters',
    address: number,
    values: Uint8Array | Uint16Array,
    done: () => Outcome | Promise<Outcome>,
  ): Outcome | Promise<Outcome> {
    const fn = ds[WRITERS[table]] as ((unitId: number, address: number, values: Uint8Array | Uint16Array) => MaybePromise<void>) | undefined;
    if (!fn) return ILLEGAL_FUNCTION;
    const code = check(x.unitId, table, address, values.length, 'write');
    if (code) return exception(code);
    let result: MaybePromise<void>;
    try {
      result = fn.call(ds, x.unitId, address, values);
    } catch (error) {
      return fail(x, error);
    }
    return settle(x, result, done);
  }

  function maskWrite(x: Exchange, r: Extract<Request, { kind: 'maskWriteRegister' }>): Outcome | Promise<Outcome> {
    if (!ds.readHoldingRegisters || !ds.writeHoldingRegisters) return ILLEGAL_FUNCTION;
    const code = check(x.unitId, 'holdingRegisters', r.address, 1, 'read') || check(x.unitId, 'holdingRegisters', r.address, 1, 'write');
    if (code) return exception(code);
    let current: MaybePromise<RegisterValues>;
    try {
      current = ds.readHoldingRegisters(x.unitId, r.address, 1);
    } catch (error) {
      return fail(x, error);
    }
    const echo = response(x.pdu);
    return settle(x, current, (v) => {
      if (!(v?.length >= 1)) return shortResult(x, v?.length ?? 0, 1);
      // AP 6.16: result = (current AND and_mask) OR (or_mask AND (NOT and_mask))
      const next = ((v[0]! & r.andMask) | (r.orMask & ~r.andMask)) & 0xffff;
      return write(x, 'holdingRegisters', r.address, Uint16Array.of(next), () => echo);
    });
  }

  function readWrite(x: Exchange, r: Extract<Request, { kind: 'readWriteMultipleRegisters' }>): Outcome | Promise<Outcome> {
    if (!ds.readHoldingRegisters || !ds.writeHoldingRegisters) return ILLEGAL_FUNCTION;
    // Both ranges are validated before anything is written (docs/protocol.md, "The order of checks": FC 23).
    const code =
      check(x.unitId, 'holdingRegisters', r.writeAddress, r.writeQuantity, 'write') ||
      check(x.unitId, 'holdingRegisters', r.readAddress, r.readQuantity, 'read');
    if (code) return exception(code);
    // Write first, then read (AP 6.17); the reply holds the read data only.
    return write(x, 'holdingRegisters', r.writeAddress, r.values, () => read(x, r.functionCode, 'holdingRegisters', r.readAddress, r.readQuantity));
  }

  return function deviceHandler(x: Exchange): Outcome | Promise<Outcome> {
    const r = x.request;
    switch (r.kind) {
      // Tables come from the function codes' descriptors (protocol/functions.ts).
      case 'readCoils':
      case 'readDiscreteInputs':
      case 'readHoldingRegisters':
      case 'readInputRegisters':
        return read(x, r.functionCode, tableOf(r.functionCode), r.address, r.quantity);
      case 'writeSingleCoil':
      case 'writeSingleRegister': {
        const table = writable(r.functionCode);
        const value = table === 'coils' ? Uint8Array.of(r.value ? 1 : 0) : Uint16Array.of(Number(r.value));
        return write(x, table, r.address, value, () => response(x.pdu));
      }
      case 'writeMultipleCoils':
      case 'writeMultipleRegisters':
        return write(x, writable(r.functionCode), r.address, r.values, () => response(encodeWriteMultipleResponse(r.functionCode, r.address, r.quantity)));
      case 'userDefined':
        return userDefined(x, r);
      case 'maskWriteRegister':
        return maskWrite(x, r);
      case 'readWriteMultipleRegisters':
        return readWrite(x, r);
      case 'reportServerId':
        return response(encodeReportServerIdResponse(identity.serverId, identity.running, identity.additionalData));
      case 'readDeviceIdentification': {
        const reply = encodeDeviceIdentification(r.readDeviceIdCode, r.objectId, identity.objects);
        return typeof reply === 'number' ? exception(reply) : response(reply);
      }
      case 'diagnostics':
        if (diagnostics) return diagnostics.answer(x, r);
        // Sub-function 0x0000 return query data: the reply echoes the request (AP 6.8.1).
        return r.subFunction === 0 ? response(x.pdu) : ILLEGAL_FUNCTION;
      case 'invalid':
        return exception(r.exception);
    }
  };

  /** A user-defined code (registerFunction): a read or a write of its descriptor's table, answered as FC 3 / FC 16 are. */
  function userDefined(x: Exchange, r: UserDefinedRequest): Outcome | Promise<Outcome> {
    const table = functionDescriptor(r.functionCode)?.table;
    if (table === undefined) return ILLEGAL_FUNCTION;
    if (r.values === undefined) return read(x, r.functionCode, table, r.address, r.quantity);
    if (table !== 'coils' && table !== 'holdingRegisters') return ILLEGAL_FUNCTION;
    return write(x, table, r.address, r.values, () => response(encodeWriteMultipleResponse(r.functionCode, r.address, r.quantity)));
  }
}

/** The table of a built-in function code that has one (its descriptor says which). */
const tableOf = (functionCode: number): Table => functionDescriptor(functionCode)!.table!;
const writable = (functionCode: number): 'coils' | 'holdingRegisters' => tableOf(functionCode) as 'coils' | 'holdingRegisters';

const WRITERS = {
  coils: 'writeCoils',
  holdingRegisters: 'writeHoldingRegisters',
} as const satisfies Record<'coils' | 'holdingRegisters', keyof DataSource>;

const READERS = {
  coils: 'readCoils',
  discreteInputs: 'readDiscreteInputs',
  holdingRegisters: 'readHoldingRegisters',
  inputRegisters: 'readInputRegisters',
} as const satisfies Record<Table, keyof DataSource>;

