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

/**
 * The named exception codes (AP 7), the one list: `name` is how profiles write them
 * (`exception: serverDeviceBusy`), `text` how logs say them (the spec's words). Any other code
 * 1..255 may travel on the wire too, given as a number.
 */
export const EXCEPTIONS = [
  { code: 0x01, name: 'illegalFunction', text: 'illegal function' },
  { code: 0x02, name: 'illegalDataAddress', text: 'illegal data address' },
  { code: 0x03, name: 'illegalDataValue', text: 'illegal data value' },
  { code: 0x04, name: 'serverDeviceFailure', text: 'server device failure' },
  { code: 0x05, name: 'acknowledge', text: 'acknowledge' },
  { code: 0x06, name: 'serverDeviceBusy', text: 'server device busy' },
  { code: 0x08, name: 'memoryParityError', text: 'memory parity error' },
  { code: 0x0a, name: 'gatewayPathUnavailable', text: 'gateway path unavailable' },
  { code: 0x0b, name: 'gatewayTargetFailedToRespond', text: 'gateway target device failed to respond' },
] as const;

type NamedException = (typeof EXCEPTIONS)[number];
/** An exception's name in profiles: `serverDeviceBusy`. */
export type ExceptionName = NamedException['name'];
/** `server device busy` → `ServerDeviceBusy`. */
type Pascal<S extends string> = S extends `${infer Head} ${infer Tail}` ? `${Capitalize<Head>}${Pascal<Tail>}` : Capitalize<S>;

/** Exception codes by constant name (`ExceptionCode.ServerDeviceBusy`), from EXCEPTIONS' spec words. */
export const ExceptionCode = Object.fromEntries(
  EXCEPTIONS.map((e) => [e.text.replace(/(^| )(\w)/g, (_m, _s: string, c: string) => c.toUpperCase()), e.code]),
) as { readonly [E in NamedException as Pascal<E['text']>]: E['code'] };
/** A named exception code; custom codes 1..255 (CustomModbusError, fault rules) stay plain numbers. */
export type ExceptionCode = NamedException['code'];

const EXCEPTION_BY_NAME: ReadonlyMap<string, number> = new Map(EXCEPTIONS.map((e) => [e.name, e.code]));
const EXCEPTION_TEXT: readonly (string | undefined)[] = EXCEPTIONS.reduce<(string | undefined)[]>((texts, e) => {
  texts[e.code] = e.text;
  return texts;
}, []);

/** The code of an exception name (`serverDeviceBusy` → 6); undefined for a name not in EXCEPTIONS. */
export function exceptionCodeOf(name: string): number | undefined {
  return EXCEPTION_BY_NAME.get(name);
}

/** The spec's words for a code (6 → `server device busy`); undefined for a custom code. */
export function exceptionText(code: number): string | undefined {
  return EXCEPTION_TEXT[code];
}

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

/**
 * FC 8 sub-functions served (AP 6.8.1). The spec defines them for a serial line; what each means
 * over TCP is in docs/protocol.md ("FC 8 diagnostics").
 */
export const DiagnosticsSubFunction = {
  ReturnQueryData: 0x00,
  RestartCommunications: 0x01,
  ReturnDiagnosticRegister: 0x02,
  ForceListenOnly: 0x04,
  ClearCounters: 0x0a,
  ClearOverrun: 0x14,
} as const;

/**
 * The counters FC 8 returns, in sub-function order 0x0B..0x12 (AP 6.8.1): `name` is how the API
 * and the control channel call them.
 */
export const DIAGNOSTIC_COUNTERS = [
  { subFunction: 0x0b, name: 'busMessages' },
  { subFunction: 0x0c, name: 'busCommunicationErrors' },
  { subFunction: 0x0d, name: 'busExceptionErrors' },
  { subFunction: 0x0e, name: 'serverMessages' },
  { subFunction: 0x0f, name: 'serverNoResponses' },
  { subFunction: 0x10, name: 'serverNaks' },
  { subFunction: 0x11, name: 'serverBusy' },
  { subFunction: 0x12, name: 'busCharacterOverruns' },
] as const;
export type DiagnosticCounterName = (typeof DIAGNOSTIC_COUNTERS)[number]['name'];
/** The first counter's sub-function (0x0B): counter k is sub-function 0x0B + k. */
export const FIRST_COUNTER_SUB_FUNCTION = 0x0b;

/** FC 8 sub-function 0x01's data word that also clears the communications event log. */
export const RESTART_CLEAR_LOG = 0xff00;
