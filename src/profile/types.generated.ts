/* eslint-disable */
/**
 * DO NOT EDIT. Generated from schemas/device-profile.schema.json by scripts/gen-profile-types.mjs
 * (npm run gen:types). A test fails when this file and the schema drift apart.
 */

/**
 * How `address` values in this file are written. `protocol` (default): 0-based PDU addresses 0..65535 as on the wire. `oneBased`: register numbers 1..65536 (address = number - 1). `modicon`: Modicon numbers, 5-digit (00001-09999 coils, 10001-19999 discrete inputs, 30001-39999 input registers, 40001-49999 holding registers) or 6-digit (000001-065536, 100001-165536, 300001-365536, 400001-465536); the table may then be left out of a point because the number tells it.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Addressing".
 */
export type Addressing = 'protocol' | 'oneBased' | 'modicon';
/**
 * FC 43 / MEI 14 read device identification: its objects, or `false` for a device without FC 43: every FC 43 request then gets exception 01 (illegal function), as many meters answer. Objects merge per field across levels (unit > template or included device > profile); whether FC 43 is answered is decided by the most specific level that sets `identification`, so a unit giving objects (even `{}`) answers FC 43 although the profile says `false`. In a gateway profile the top-level value is the default of every unit.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "IdentificationSetting".
 */
export type IdentificationSetting = Identification | false;
/**
 * FC 17 report server id: the reply, or `false` for a device without FC 17: every FC 17 request then gets exception 01 (illegal function). Fields merge across levels (unit > template or included device > profile); whether FC 17 is answered is decided by the most specific level that sets `reportServerId`. In a gateway profile the top-level value is the default of every unit.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "ReportServerIdSetting".
 */
export type ReportServerIdSetting = ReportServerId | false;
/**
 * `exception`: exception 02 (illegal data address) when any address of a request is not mapped. `zero`: unmapped addresses read as 0 and swallow writes.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "UnmappedMode".
 */
export type UnmappedMode = 'exception' | 'zero';
/**
 * A named value at an address. `type` says how many registers it takes: bool 1 bit (or 1 register), 16-bit types 1, 32-bit 2, 64-bit 4, string `registers`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Point".
 */
export type Point = BoolPoint | NumberPoint | StringPoint | BitfieldPoint;
/**
 * The Modbus table: `coil` (FC 1/5/15), `discreteInput` (FC 2), `holding` register (FC 3/6/16/22/23), `input` register (FC 4). Names as in Home Assistant's `input_type`. When left out: with `modicon` addressing the number tells; otherwise `coil` for bool points and `holding` for everything else.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Table".
 */
export type Table = 'coil' | 'discreteInput' | 'holding' | 'input';
/**
 * Address of the first register or bit, in the file's `addressing` convention. Hex (0x1F40) is fine.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Address".
 */
export type Address = number;
/**
 * A generator: the point's value is computed from emulator time and other points, every time it is read (or on steps of `every` seconds when the expression has state). Give the expression, or { expression, every, onWrite }. `value`/`raw` then give the start of a stateful expression (`prev`, `lag`, `slew`...); a stateless expression is computed on every read, so a value given to it is never served (validate warns).
 *
 * Language (numbers; true/false are 1/0): + - * / % **, comparisons == != < > <= >= (1 or 0), && || ! , a ? b : c, bit operations & | ^ ~ << >> >>> on 32-bit integers.
 * Names: t (seconds since start or reset), other points by name (engineering values; a bit as status.fault), prev (this point's value at the previous step), dt (seconds per step), PI, E; a state machine's state as its name (`drive`, the state's value) or `drive.fault` (1 while in state fault).
 * Functions: sin cos abs sqrt exp log floor ceil round(x[, decimals]) pow(x, y) min(a, b[, c]) max(a, b[, c]) clamp(x, lo, hi); waveforms of t: sine(period) -1..1, square(period[, duty]) 1 then 0, triangle(period) 0..1..0, sawtooth(period) 0..1; ramp(t0, t1) 0..1, step(t0), pulse(t0, width[, period]); random(a, b) uniform and noise(sigma) gaussian, a new draw each step; stateful: lag(target, tau) first-order lag, slew(target, rate) at most rate per second, integrate(x) ∫x dt, walk(sigma[, lo, hi]) random walk, count(condition) rising edges.
 * Example: `lag(setpoint, 120) + noise(0.1)`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Generate".
 */
export type Generate =
  | string
  | {
      /**
       * A generator: the point's value is computed from emulator time and other points, every time it is read (or on steps of `every` seconds when the expression has state). Give the expression, or { expression, every, onWrite }. `value`/`raw` then give the start of a stateful expression (`prev`, `lag`, `slew`...); a stateless expression is computed on every read, so a value given to it is never served (validate warns).
       *
       * Language (numbers; true/false are 1/0): + - * / % **, comparisons == != < > <= >= (1 or 0), && || ! , a ? b : c, bit operations & | ^ ~ << >> >>> on 32-bit integers.
       * Names: t (seconds since start or reset), other points by name (engineering values; a bit as status.fault), prev (this point's value at the previous step), dt (seconds per step), PI, E; a state machine's state as its name (`drive`, the state's value) or `drive.fault` (1 while in state fault).
       * Functions: sin cos abs sqrt exp log floor ceil round(x[, decimals]) pow(x, y) min(a, b[, c]) max(a, b[, c]) clamp(x, lo, hi); waveforms of t: sine(period) -1..1, square(period[, duty]) 1 then 0, triangle(period) 0..1..0, sawtooth(period) 0..1; ramp(t0, t1) 0..1, step(t0), pulse(t0, width[, period]); random(a, b) uniform and noise(sigma) gaussian, a new draw each step; stateful: lag(target, tau) first-order lag, slew(target, rate) at most rate per second, integrate(x) ∫x dt, walk(sigma[, lo, hi]) random walk, count(condition) rising edges.
       * Example: `lag(setpoint, 120) + noise(0.1)`.
       */
      expression: string;
      /**
       * Seconds of emulator time per step (default 1): a stateful expression advances once per step, and random draws change once per step.
       */
      every?: number;
      /**
       * A client write to this point: `refuse` (default) answers exception 03 and changes nothing; `override` stores the written value, which the point keeps instead of its expression until reset().
       */
      onWrite?: 'refuse' | 'override';
    };
/**
 * Reactions to a write to this point, run in the order written (docs/commands.md).
 *
 * @minItems 1
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Reactions".
 */
export type Reactions = [Reaction, ...Reaction[]];
/**
 * Order of bytes on the wire for multi-register values, A being the most significant byte. ABCD: big-endian (no swap). CDAB: word swap, low word first. BADC: byte swap within each word. DCBA: little-endian. For 64-bit values word swap reverses all four words. Strings honour only the byte swap (BADC/DCBA swap the two characters of each register). A one-register value ignores an inherited order and is byte-swapped only by its own BADC/DCBA.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "ByteOrder".
 */
export type ByteOrder = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';
/**
 * Bulk address ranges without names: fill values or lists of raw words / bits. Points may lie inside blocks (the point's initial value wins).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Blocks".
 */
export type Blocks = Block[];
/**
 * `own` (default): input registers are a table of their own. `sameAsHolding`: input registers are served from the holding registers' storage (an alias some devices have): FC 4 reads what FC 3 reads, and `input` points may not be declared.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "InputRegistersStorage".
 */
export type InputRegistersStorage = 'own' | 'sameAsHolding';
/**
 * Unit ids 0..255: one number, a range such as "10-19", or a list of numbers and ranges.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "UnitIds".
 */
export type UnitIds = number | string | [number | string, ...(number | string)[]];
/**
 * `gatewayPathUnavailable`: exception 0x0A. `gatewayTargetFailedToRespond`: exception 0x0B. `silence`: no reply at all (the client times out).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "UnreachableBehaviour".
 */
export type UnreachableBehaviour = 'gatewayPathUnavailable' | 'gatewayTargetFailedToRespond' | 'silence';
/**
 * A wait before replying, in real time (never scaled by --time-scale): a Duration (fixed), or jittered from the rule's own seeded stream: `{ uniform: [min, max] }`, `{ normal: { mean, sd } }`, `{ logNormal: { median, sigma } }` (negative draws wait 0).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Delay".
 */
export type Delay =
  | Duration
  | {
      /**
       * Every wait between the two, equally likely.
       *
       * @minItems 2
       * @maxItems 2
       */
      uniform: [Duration, Duration];
    }
  | {
      normal: {
        mean: Duration;
        sd: Duration;
      };
    }
  | {
      logNormal: {
        median: Duration;
        /**
         * Spread of the logarithm: 0.5 puts about 2/3 of the waits within ×/÷ 1.65 of the median.
         */
        sigma: number;
      };
    };
/**
 * A length of time: a number of milliseconds, or a string with a unit: `250ms`, `1.5s`, `2m`. At most 2147483647 ms (about 24.8 days, `35791m`), the longest wait a timer holds: a longer one is refused, not shortened.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Duration".
 */
export type Duration = number | string;
/**
 * What a client write to a read-only point does. `reject` (default): exception 02 and nothing changes. `ignore`: the write is acknowledged and discarded, as some real devices do. The most specific level sets it: unit, template or included device, profile.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "WriteToReadOnly".
 */
export type WriteToReadOnly = 'reject' | 'ignore';
/**
 * Default `access` of this device's points and blocks in coils and holding registers that do not set their own, e.g. `readOnly` for a meter or a SunSpec inverter, with the few writable points saying `access: readWrite`. Precedence: point or block > unit > template or included device > profile > readWrite. Discrete inputs and input registers stay readOnly whatever this says (clients cannot write them); a point there may still be writeOnly.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "DefaultAccess".
 */
export type DefaultAccess = 'readOnly' | 'readWrite' | 'writeOnly';
/**
 * What requests touching addresses with no point or block do: one mode for every table, or one per table. Default `exception`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Unmapped".
 */
export type Unmapped =
  | UnmappedMode
  | {
      coil?: UnmappedMode;
      discreteInput?: UnmappedMode;
      holding?: UnmappedMode;
      input?: UnmappedMode;
    };
/**
 * Function codes: a number 1..255 or a request name (`readHoldingRegisters`), or a list of them.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "FunctionMatch".
 */
export type FunctionMatch =
  | (
      | number
      | (
          | 'readCoils'
          | 'readDiscreteInputs'
          | 'readHoldingRegisters'
          | 'readInputRegisters'
          | 'writeSingleCoil'
          | 'writeSingleRegister'
          | 'diagnostics'
          | 'writeMultipleCoils'
          | 'writeMultipleRegisters'
          | 'reportServerId'
          | 'maskWriteRegister'
          | 'readWriteMultipleRegisters'
          | 'readDeviceIdentification'
        )
    )
  | [
      (
        | number
        | (
            | 'readCoils'
            | 'readDiscreteInputs'
            | 'readHoldingRegisters'
            | 'readInputRegisters'
            | 'writeSingleCoil'
            | 'writeSingleRegister'
            | 'diagnostics'
            | 'writeMultipleCoils'
            | 'writeMultipleRegisters'
            | 'reportServerId'
            | 'maskWriteRegister'
            | 'readWriteMultipleRegisters'
            | 'readDeviceIdentification'
          )
      ),
      ...(
        | number
        | (
            | 'readCoils'
            | 'readDiscreteInputs'
            | 'readHoldingRegisters'
            | 'readInputRegisters'
            | 'writeSingleCoil'
            | 'writeSingleRegister'
            | 'diagnostics'
            | 'writeMultipleCoils'
            | 'writeMultipleRegisters'
            | 'reportServerId'
            | 'maskWriteRegister'
            | 'readWriteMultipleRegisters'
            | 'readDeviceIdentification'
          )
      )[]
    ];
/**
 * Fault rules: requests that misbehave on purpose (docs/faults.md).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Faults".
 */
export type Faults = Fault[];
/**
 * One state: its number (what expressions and points read) and the points it sets on entry and exit. Empty (`{}` or nothing) is a state with the next number.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "MachineState".
 */
export type MachineState = {
  /**
   * The state's number, read as `<machine>` in expressions (default: its position, 0, 1, ...). Example: `0x0250`, a CiA 402 status word.
   */
  value?: number;
  /**
   * What the state means, for people.
   */
  description?: string;
  onEntry?: Assignments;
  onExit?: Assignments;
} | null;
/**
 * Conditional and cross-point write rules (docs/commands.md), checked in the order written; the first that refuses answers.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "WriteRules".
 */
export type WriteRules = WriteRule[];
/**
 * An inline device definition, or `include: <file>` naming a YAML file that holds one (relative to this file).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "TemplateEntry".
 */
export type TemplateEntry =
  | {
      include: string;
    }
  | Device;
/**
 * What a unit id not listed under `units` gets: an unreachable behaviour (default `gatewayPathUnavailable`, exception 0x0A), optionally `{ answer, delay }`, or `{ use: <template> }` to answer with a default device (one shared storage for all unknown unit ids).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "UnknownUnits".
 */
export type UnknownUnits =
  | Unreachable
  | {
      use: string;
    };
/**
 * How the gateway answers for a unit it cannot reach: a behaviour, or `{ answer, delay }` to answer only after a delay (a gateway's own timeout).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Unreachable".
 */
export type Unreachable =
  | UnreachableBehaviour
  | {
      answer: UnreachableBehaviour;
      delay?: Delay;
    };
/**
 * `all`, `none`, or a list of points (by name: every word of the point) and table ranges (`{ table: holding }` for the whole table, `{ table: holding, from: 0, to: 99 }`: protocol addresses, 0-based, `to` included). A request is allowed when every address it covers is granted.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Grant".
 */
export type Grant =
  | ('all' | 'none')
  | (
      | string
      | {
          table: Table;
          from?: number;
          to?: number;
        }
    )[];
/**
 * Fault rules: requests that misbehave on purpose (docs/faults.md).
 */
export type Faults1 = Fault[];
/**
 * Units that do not answer: `true` for the whole device (no reply to anything), or `{ units, answer }`. Example: `{ units: [2, 3], answer: gatewayTargetFailedToRespond }`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Offline".
 */
export type Offline =
  | boolean
  | {
      /**
       * The unit ids that are offline (default: every unit id). Example: `[2]`.
       *
       * @minItems 1
       */
      units?: [number, ...number[]];
      /**
       * `silence` (default): no reply, the client times out. `gatewayTargetFailedToRespond`: exception 0x0B, what a gateway answers for a unit that does not respond.
       */
      answer?: 'silence' | 'gatewayTargetFailedToRespond';
    };

/**
 * A modbus-emu device profile: one Modbus TCP device, or a gateway with several units behind one endpoint. Addresses are 0-based protocol addresses unless `addressing` says otherwise. Device settings (`byteOrder`, `access`, `writeToReadOnly`, `unmapped`, `inputRegisters`, `identification`, `reportServerId`) may be given here, in a template or included device file, and in a unit: the most specific level wins, so in a gateway profile the top-level values are the defaults of every unit. Start a file with `# yaml-language-server: $schema=<path to this file>` for completion in editors.
 */
export interface DeviceProfile {
  /**
   * Path or URL of this schema (for editors).
   */
  $schema?: string;
  /**
   * Profile format version. Only 1 exists.
   */
  version?: 1;
  /**
   * Short name of the device, shown in logs and summaries.
   */
  name?: string;
  /**
   * Free text about the device.
   */
  description?: string;
  params?: Params;
  addressing?: Addressing;
  /**
   * Default word/byte order of multi-register values (default ABCD). In a gateway profile, the default of every unit; a unit, a template or included device, or a point may set its own.
   */
  byteOrder?: 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';
  /**
   * What client writes to read-only points do (default `reject`). In a gateway profile, the default of every unit; a unit or a template or included device may set its own.
   */
  writeToReadOnly?: 'reject' | 'ignore';
  /**
   * Default `access` of the points and blocks in coils and holding registers that do not set their own (default readWrite). In a gateway profile, the default of every unit; a unit or a template or included device may set its own.
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  server?: Server;
  identification?: IdentificationSetting;
  reportServerId?: ReportServerIdSetting;
  /**
   * What requests touching unmapped addresses do (default `exception`). In a gateway profile, the default of every unit; a unit or a template or included device may set its own (per table).
   */
  unmapped?:
    | UnmappedMode
    | {
        coil?: UnmappedMode;
        discreteInput?: UnmappedMode;
        holding?: UnmappedMode;
        input?: UnmappedMode;
      };
  points?: Points;
  blocks?: Blocks;
  inputRegisters?: InputRegistersStorage;
  /**
   * Gateway: the units behind this endpoint. A profile has either `units` or a single device's `points`/`blocks` at the top level.
   *
   * @minItems 1
   */
  units?: [Unit, ...Unit[]];
  /**
   * Device definitions that units reuse by name (`use: <name>`). Each is inline, or `include: <file>` relative to this file.
   */
  templates?: {
    [k: string]: TemplateEntry;
  };
  unknownUnits?: UnknownUnits;
  /**
   * How unit id 0 is treated. `unit` (default): like any unit id, as direct TCP devices do. `broadcast`: writes reach every unit and nothing is answered (serial-gateway semantics, IG 4.4.1.2); reads are not answered either.
   */
  unitZero?: 'unit' | 'broadcast';
  /**
   * A wait before replying, in real time (never scaled by --time-scale): a Duration (fixed), or jittered from the rule's own seeded stream: `{ uniform: [min, max] }`, `{ normal: { mean, sd } }`, `{ logNormal: { median, sigma } }` (negative draws wait 0).
   */
  responseDelay?:
    | Duration
    | {
        /**
         * Every wait between the two, equally likely.
         *
         * @minItems 2
         * @maxItems 2
         */
        uniform: [Duration, Duration];
      }
    | {
        normal: {
          mean: Duration;
          sd: Duration;
        };
      }
    | {
        logNormal: {
          median: Duration;
          /**
           * Spread of the logarithm: 0.5 puts about 2/3 of the waits within ×/÷ 1.65 of the median.
           */
          sigma: number;
        };
      };
  faults?: Faults;
  machines?: Machines;
  writeRules?: WriteRules;
  security?: Security;
  scenarios?: Scenarios;
}
/**
 * Parameters of the profile and their defaults: a number is read in expressions (generators, reactions, write rules, conditions) as `params.<name>`; a number or a string is put into string values and identification by `{<name>}` (docs/fleets.md#parameters). A fleet file sets them per instance.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Params".
 */
export interface Params {
  [k: string]: number | string;
}
/**
 * Where and how the device listens. Command-line flags override these.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Server".
 */
export interface Server {
  /**
   * Address to bind (default 127.0.0.1).
   */
  host?: string;
  /**
   * TCP port (default: --port, else 5020). 0 picks a free port.
   */
  port?: number;
  /**
   * Seconds without a request before a connection is closed; 0 = never (default 60); at most 2147483 (the longest a timer holds).
   */
  idleTimeout?: number;
  /**
   * Most connections open at once; 0 = unlimited (default).
   */
  maxConnections?: number;
  /**
   * At `maxConnections`: refuse the newcomer (default), or close the connection that has been quiet longest.
   */
  whenFull?: 'refuse' | 'closeLeastRecentlyActive';
  /**
   * Client addresses served: IPv4 or IPv6 addresses or ranges (CIDR). A client from any other address is closed at once and logged (rate-limited). An IPv4 range also matches the IPv4-mapped IPv6 form of its addresses (`::ffff:10.0.0.7` on a `::` listener). `--allow` replaces this list. Default: every address.
   */
  allow?: string[];
  /**
   * How requests are framed on the TCP listener. `tcp` (default): Modbus/TCP (MBAP header). `rtu-over-tcp`: RTU frames (address, PDU, CRC-16) as serial gateways forward them; unit 0 is then always broadcast. `--transport` replaces it. See docs/transports.md.
   */
  transport?: 'tcp' | 'rtu-over-tcp';
  serial?: SerialLine;
  /**
   * Keep what clients and the API write in this JSON file (relative to the profile's folder): saved atomically within a second of a write and at shutdown, loaded at start. Generators, fault counters and time start afresh. `--state` replaces it. See docs/state-and-access.md.
   */
  stateFile?: string;
  tls?: Tls;
}
/**
 * Serve the device in RTU on this serial line instead of a TCP listener (needs the optional package `serialport`). `--serial` and its flags replace it. See docs/transports.md.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "SerialLine".
 */
export interface SerialLine {
  /**
   * The serial device: `/dev/ttyUSB0`, `COM3`, or one end of a pseudo-terminal pair.
   */
  path: string;
  /**
   * Bits per second (default 19200, the serial line spec's default).
   */
  baudRate?: number;
  /**
   * Parity bit (default `even`, the spec's default; `none` usually goes with 2 stop bits).
   */
  parity?: 'even' | 'odd' | 'none';
  /**
   * Data bits per character (default 8; RTU needs 8).
   */
  dataBits?: 7 | 8;
  /**
   * Stop bits (default 1).
   */
  stopBits?: 1 | 2;
  /**
   * The device's address on the line: requests for other addresses, and the replies that follow them, are passed over. Default: a single-device profile answers every address; a gateway profile answers its units' ids.
   */
  unitId?: number;
}
/**
 * Modbus/TCP Security: serve over TLS 1.2 or later with this certificate and key, and accept only clients whose certificate the client CA issued (mutual authentication; port 802 by convention). File paths are relative to the profile's folder. `--tls-cert`, `--tls-key` and `--tls-client-ca` replace all of them. See docs/tls.md.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Tls".
 */
export interface Tls {
  /**
   * The server's certificate (PEM), followed by any intermediate certificates.
   */
  cert: string;
  /**
   * The server's private key (PEM, unencrypted).
   */
  key: string;
  /**
   * The CA certificate(s) (PEM) client certificates must be issued by.
   */
  clientCa: string;
  /**
   * The lowest TLS version accepted (default TLSv1.2, the specification's minimum).
   */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Connection faults of the TLS layer, tried in order for each accepted connection; the first that fires wins.
   */
  faults?: TlsFault[];
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "TlsFault".
 */
export interface TlsFault {
  /**
   * Names the fault in log lines; its seeded draws use the stream `tls/<name>`.
   */
  name: string;
  /**
   * `stallHandshake`: read the client's hello and never answer (closed after the idle timeout); `closeAfterHandshake`: complete the handshake, then reset the connection before any request.
   */
  do: 'stallHandshake' | 'closeAfterHandshake';
  /**
   * Which connections, counted from 1 as they are accepted; every key given must hold. Left out: every connection.
   */
  when?: {
    /**
     * The 3rd, 6th, 9th ... connection.
     */
    every?: number;
    /**
     * The first N connections only.
     */
    first?: number;
    /**
     * Every connection after the first N.
     */
    after?: number;
    /**
     * When draw k of the seeded stream `tls/<name>` is below it (k: the connection's count).
     */
    probability?: number;
  };
}
/**
 * Objects served by FC 43 / MEI 14 read device identification. ASCII, at most 244 bytes each. Defaults: vendorName modbus-emu, productCode MODBUS-EMU, revision 0.1.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Identification".
 */
export interface Identification {
  /**
   * Object 0x00 VendorName (basic).
   */
  vendorName?: string;
  /**
   * Object 0x01 ProductCode (basic).
   */
  productCode?: string;
  /**
   * Object 0x02 MajorMinorRevision (basic), e.g. "1.2".
   */
  revision?: string;
  /**
   * Object 0x03 VendorUrl (regular).
   */
  vendorUrl?: string;
  /**
   * Object 0x04 ProductName (regular).
   */
  productName?: string;
  /**
   * Object 0x05 ModelName (regular).
   */
  modelName?: string;
  /**
   * Object 0x06 UserApplicationName (regular).
   */
  userApplicationName?: string;
  /**
   * Extended objects by id 0x80..0xFF, e.g. `"0x80": serial 1234`.
   */
  privateObjects?: {
    [k: string]: string;
  };
}
/**
 * The FC 17 report server id reply. Its length and content are device specific.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "ReportServerId".
 */
export interface ReportServerId {
  /**
   * Server id bytes: one number 0..255 or a list of them (default [1]).
   */
  serverId?: number | number[];
  /**
   * Run indicator: true sends 0xFF (on), false 0x00 (default true).
   */
  running?: boolean;
  /**
   * Additional data, ASCII (default: vendor name and product code).
   */
  additionalData?: string;
}
/**
 * Named, typed points by name. A name is what the API and logs use; a bit of a bit field is named `<point>.<bit>`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Points".
 */
export interface Points {
  [k: string]: Point;
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "BoolPoint".
 */
export interface BoolPoint {
  /**
   * One bit in a coil or discrete input, or 0/1 in one register.
   */
  type: 'bool';
  table?: Table;
  address: Address;
  /**
   * Who may do what from the wire. Default: the device's `access` (unit > template or included device > profile) in coils and holding registers, else readWrite there; readOnly in discrete inputs and input registers (which clients cannot write anyway). A write-only point reads as zeros.
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  description?: string;
  /**
   * Engineering unit, for people (V, A, Hz, kWh, °C).
   */
  unit?: string;
  /**
   * Name of another point whose storage this one shares (same table, overlapping addresses), e.g. a register read both as a whole and as bits, or a value exposed in two types. Without it overlapping points are an error.
   */
  aliasOf?: string;
  /**
   * Initial value (default false).
   */
  value?: boolean;
  generate?: Generate;
  reactions?: Reactions;
}
/**
 * What a write to this point does once it is stored (client writes and API writes alike): when `when` holds (default: always), set other points, or this one (a command word that clears itself: `set: { command: 0 }`; a register that keeps its old value: `set: { setting: previous }`). A multi-register write stores all its words first, then runs the reactions of the points it wrote in address order.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Reaction".
 */
export interface Reaction {
  /**
   * Condition on the values after the write (`value`, `previous`, any point, a machine's state); nonzero runs the reaction. Example: `value == 1 && previous == 0`.
   */
  when?: string;
  set: Assignments;
}
/**
 * Points to set, each to an expression computed when the action runs (in the order written; each sees the ones before it). A bit of a bit field is set as `<point>.<bit>`. Generated and string points cannot be set. Expressions are the generators' language (see `Generate`), without state (no prev, dt, lag, slew...): they read points by name, a machine's state (`drive` is its state's value, `drive.fault` is 1 while it is in state fault), and t. In a reaction and a write-triggered transition, `value` is the written point's value after the write and `previous` its value before. Example: `{ importEnergy: 0, resetCommand: 0, resets: "resets + 1" }`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Assignments".
 */
export interface Assignments {
  /**
   * An expression (a number or true/false is a constant).
   */
  [k: string]: string | number | boolean;
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "NumberPoint".
 */
export interface NumberPoint {
  /**
   * Register type: 16-bit types take 1 register, 32-bit 2, 64-bit 4.
   */
  type: 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';
  table?: Table;
  address: Address;
  /**
   * Who may do what from the wire. Default: the device's `access` (unit > template or included device > profile) in coils and holding registers, else readWrite there; readOnly in discrete inputs and input registers (which clients cannot write anyway). A write-only point reads as zeros.
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  description?: string;
  /**
   * Engineering unit, for people (V, A, Hz, kWh, °C).
   */
  unit?: string;
  /**
   * Name of another point whose storage this one shares (same table, overlapping addresses), e.g. a register read both as a whole and as bits, or a value exposed in two types. Without it overlapping points are an error.
   */
  aliasOf?: string;
  byteOrder?: ByteOrder;
  /**
   * engineering = raw × scale + offset (Home Assistant / Telegraf `scale`). Default 1.
   */
  scale?: number;
  /**
   * engineering = raw × scale + offset. Default 0.
   */
  offset?: number;
  /**
   * Name of an int16 point holding a power-of-ten exponent (SunSpec `sunssf`): engineering = raw × 10^sf. Excludes `scale` and `offset`.
   */
  scaleFactor?: string;
  /**
   * Initial engineering value (default 0), or a label of `enum`. float32/float64 also take `.nan`, `.inf` and `-.inf` (through the API: NaN, ±Infinity); an initial `.nan` is not checked against min/max. Excludes `raw`.
   */
  value?: number | string;
  /**
   * Initial RAW register value instead of `value`, taken as is: no scale, offset or scale factor, and no min/max check. For sentinels such as SunSpec's "not implemented" (int16 0x8000, uint16 0xFFFF, int32 0x80000000) that a scaled point cannot reach through `value`. Integer types: an integer, or a decimal or hex string ("0xFFFFFFFFFFFFFFFF", needed for 64-bit values beyond 2^53). Signed types take their signed range and also the unsigned word(s): for int16 both -32768 and 0x8000 are the word 0x8000 (int16 -32768..65535, int32 -2^31..2^32-1, int64 -2^63..2^64-1; uint16 0..65535 and so on). float32/float64: the float's bits as an unsigned integer, so 0x7FC00000 is the float32 NaN (SunSpec "not implemented"), not the number 2143289344; float64 patterns beyond 2^53 are strings ("0x7FF8000000000000"). Excludes `value`.
   */
  raw?: number | string;
  /**
   * Smallest engineering value a client may write (exception 03 below it).
   */
  min?: number;
  /**
   * Largest engineering value a client may write (exception 03 above it).
   */
  max?: number;
  /**
   * Labels of raw values, e.g. SunSpec operating states `{1: OFF, 4: MPPT}`. Documentation, and labels may be used as `value`.
   */
  enum?: {
    [k: string]: string;
  };
  /**
   * true: the enum's values are the only ones the point takes. A client write of another value gets exception 03 (nothing changes), the API's `write` throws a RangeError, and such a `value` is an error. Default false: the enum only labels values, as on devices that store whatever they are sent. `raw` is not checked.
   */
  enumStrict?: boolean;
  generate?: Generate;
  reactions?: Reactions;
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "StringPoint".
 */
export interface StringPoint {
  /**
   * ASCII text, two characters per register, first character in the high byte, NUL padded.
   */
  type: 'string';
  table?: Table;
  address: Address;
  /**
   * Who may do what from the wire. Default: the device's `access` (unit > template or included device > profile) in coils and holding registers, else readWrite there; readOnly in discrete inputs and input registers (which clients cannot write anyway). A write-only point reads as zeros.
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  description?: string;
  /**
   * Engineering unit, for people (V, A, Hz, kWh, °C).
   */
  unit?: string;
  /**
   * Name of another point whose storage this one shares (same table, overlapping addresses), e.g. a register read both as a whole and as bits, or a value exposed in two types. Without it overlapping points are an error.
   */
  aliasOf?: string;
  /**
   * Registers the string takes (2 characters each).
   */
  registers: number;
  byteOrder?: ByteOrder;
  /**
   * Initial text (default empty); must fit 2 × registers characters.
   */
  value?: string;
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "BitfieldPoint".
 */
export interface BitfieldPoint {
  /**
   * A status or control word of 1 or 2 registers, read as a whole and through named bits.
   */
  type: 'bitfield16' | 'bitfield32';
  table?: Table;
  address: Address;
  /**
   * Who may do what from the wire. Default: the device's `access` (unit > template or included device > profile) in coils and holding registers, else readWrite there; readOnly in discrete inputs and input registers (which clients cannot write anyway). A write-only point reads as zeros.
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  description?: string;
  /**
   * Engineering unit, for people (V, A, Hz, kWh, °C).
   */
  unit?: string;
  /**
   * Name of another point whose storage this one shares (same table, overlapping addresses), e.g. a register read both as a whole and as bits, or a value exposed in two types. Without it overlapping points are an error.
   */
  aliasOf?: string;
  byteOrder?: ByteOrder;
  /**
   * Named bits or fields: `name: <bit>` (0 = least significant) or `name: {bit, width}`. Read and written as `<point>.<name>`.
   */
  bits: {
    [k: string]:
      | number
      | {
          bit: number;
          /**
           * Bits in the field (default 1).
           */
          width?: number;
          description?: string;
        };
  };
  /**
   * Initial raw value of the whole word (default 0), or the initial values of named bits. Excludes `raw`.
   */
  value?:
    | number
    | {
        [k: string]: number | boolean;
      };
  /**
   * Initial raw value of the whole word: 0..65535 (bitfield16) or 0..0xFFFFFFFF (bitfield32), e.g. 0xFFFFFFFF for SunSpec's "not implemented". The same as an integer `value`, for profiles that write raw values alike everywhere. Excludes `value`.
   */
  raw?: number;
  generate?: Generate;
  reactions?: Reactions;
}
/**
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Block".
 */
export interface Block {
  table?: Table;
  address: Address;
  /**
   * Registers or bits in the block. Required with `fill`; defaults to the length of `values`.
   */
  length?: number;
  /**
   * Initial raw value of every register (0..65535) or bit in the block (default 0).
   */
  fill?: number | boolean;
  /**
   * Initial raw words (0..65535), or booleans / 0 / 1 for bit tables, from `address` on.
   */
  values?: (number | boolean)[];
  /**
   * As for points (same defaults, including the device's `access`).
   */
  access?: 'readOnly' | 'readWrite' | 'writeOnly';
  description?: string;
}
/**
 * One or more unit ids behind the gateway, each with its own storage. Give the device inline (`points`, ...), by template (`use`), by file (`include`), or make the unit unreachable (`respond`).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Unit".
 */
export interface Unit {
  unitId: UnitIds;
  /**
   * Name shown in logs; with several unit ids the id is appended.
   */
  name?: string;
  /**
   * Name of a template under `templates`.
   */
  use?: string;
  /**
   * A YAML file holding a device definition (relative to this file).
   */
  include?: string;
  /**
   * Make this unit unreachable: how the gateway answers for it instead of a device.
   */
  respond?:
    | UnreachableBehaviour
    | {
        answer: UnreachableBehaviour;
        delay?: Delay;
      };
  description?: string;
  byteOrder?: ByteOrder;
  addressing?: Addressing;
  writeToReadOnly?: WriteToReadOnly;
  access?: DefaultAccess;
  identification?: IdentificationSetting;
  reportServerId?: ReportServerIdSetting;
  unmapped?: Unmapped;
  points?: Points;
  blocks?: Blocks;
  inputRegisters?: InputRegistersStorage;
  /**
   * A wait before replying, in real time (never scaled by --time-scale): a Duration (fixed), or jittered from the rule's own seeded stream: `{ uniform: [min, max] }`, `{ normal: { mean, sd } }`, `{ logNormal: { median, sigma } }` (negative draws wait 0).
   */
  responseDelay?:
    | Duration
    | {
        /**
         * Every wait between the two, equally likely.
         *
         * @minItems 2
         * @maxItems 2
         */
        uniform: [Duration, Duration];
      }
    | {
        normal: {
          mean: Duration;
          sd: Duration;
        };
      }
    | {
        logNormal: {
          median: Duration;
          /**
           * Spread of the logarithm: 0.5 puts about 2/3 of the waits within ×/÷ 1.65 of the median.
           */
          sigma: number;
        };
      };
  faults?: Faults;
  machines?: Machines;
  writeRules?: WriteRules;
}
/**
 * A fault rule: requests that `match` and fire `when` get the rule's actions (`do`). Rules are tried in order; the first that fires wins.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Fault".
 */
export interface Fault {
  /**
   * Unique in the profile: shown in -v logs, keeps the rule's counters across a reload.
   */
  name: string;
  description?: string;
  match?: FaultMatch;
  when?: FaultTrigger;
  /**
   * One action, or a list applied in order (`[{ delay: 500ms }, { exception: 6 }]`).
   */
  do: FaultAction | [FaultAction, ...FaultAction[]];
}
/**
 * Which requests a rule applies to; every key given must hold (left out: any). Addresses are protocol (0-based) addresses.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "FaultMatch".
 */
export interface FaultMatch {
  /**
   * Unit ids 0..255: one number, a range such as "10-19", or a list of numbers and ranges.
   */
  unitId?: number | string | [number | string, ...(number | string)[]];
  function?: FunctionMatch;
  /**
   * `read`: FC 1, 2, 3, 4, 23. `write`: FC 5, 6, 15, 16, 22, 23.
   */
  access?: 'read' | 'write';
  /**
   * Requests whose address range overlaps this address, or this range (`{ from, to }`, both included). Requests without an address (FC 8, 17, 43) never match.
   */
  address?:
    | number
    | {
        from: number;
        to: number;
      };
  /**
   * Requests starting exactly at this address (or one of these).
   */
  start?: number | [number, ...number[]];
  /**
   * Requests for exactly this many registers or bits, or a range `{ min, max }` (single writes count 1).
   */
  quantity?:
    | number
    | {
        min?: number;
        max?: number;
      };
  /**
   * Requests touching any of these points (their table and addresses).
   *
   * @minItems 1
   */
  points?: [string, ...string[]];
  /**
   * Writes carrying this raw value (any of the written registers or bits), one of a list, or a range `{ min, max }`.
   */
  value?:
    | (number | boolean)
    | [number | boolean, ...(number | boolean)[]]
    | {
        min?: number;
        max?: number;
      };
}
/**
 * When a matching request fires the rule; every key given must hold (left out: always). Counts are of matching requests.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "FaultTrigger".
 */
export interface FaultTrigger {
  /**
   * Chance per matching request, drawn from the rule's own seeded stream (the same seed gives the same requests).
   */
  probability?: number;
  /**
   * Every Nth matching request (the Nth, 2Nth, …).
   */
  every?: number;
  /**
   * Only the first N matching requests.
   */
  first?: number;
  /**
   * Only after the first N matching requests.
   */
  after?: number;
  /**
   * Whether `every`, `first` and `after` count per rule (default) or per client connection.
   */
  count?: 'rule' | 'connection';
  window?: FaultWindow;
  /**
   * Only while more than N requests are in flight on the device (this one included): an overloaded device.
   */
  inFlightAbove?: number;
}
/**
 * A time window on the emulator clock (scaled by --time-scale): active from `after` on, for `for` (left out: for ever), again every `every` (left out: once).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "FaultWindow".
 */
export interface FaultWindow {
  after?: Duration;
  for?: Duration;
  every?: Duration;
}
/**
 * One action: the key names it.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "FaultAction".
 */
export interface FaultAction {
  /**
   * Answer this exception instead: a code 1..255 or its name.
   */
  exception?:
    | number
    | (
        | 'illegalFunction'
        | 'illegalDataAddress'
        | 'illegalDataValue'
        | 'serverDeviceFailure'
        | 'acknowledge'
        | 'serverDeviceBusy'
        | 'memoryParityError'
        | 'gatewayPathUnavailable'
        | 'gatewayTargetFailedToRespond'
      );
  /**
   * Send nothing: the client times out.
   */
  noResponse?: true;
  /**
   * Close the connection: `fin` (orderly) or `rst` (reset).
   */
  close?: 'fin' | 'rst';
  /**
   * A wait before replying, in real time (never scaled by --time-scale): a Duration (fixed), or jittered from the rule's own seeded stream: `{ uniform: [min, max] }`, `{ normal: { mean, sd } }`, `{ logNormal: { median, sigma } }` (negative draws wait 0).
   */
  delay?:
    | Duration
    | {
        /**
         * Every wait between the two, equally likely.
         *
         * @minItems 2
         * @maxItems 2
         */
        uniform: [Duration, Duration];
      }
    | {
        normal: {
          mean: Duration;
          sd: Duration;
        };
      }
    | {
        logNormal: {
          median: Duration;
          /**
           * Spread of the logarithm: 0.5 puts about 2/3 of the waits within ×/÷ 1.65 of the median.
           */
          sigma: number;
        };
      };
  /**
   * Send the reply in pieces, each after a gap (no Nagle delay, so the gaps are real on the wire).
   */
  fragment?: {
    /**
     * Bytes per piece (default 1).
     */
    size?: number;
    /**
     * Sizes of the pieces, in order; the rest goes last.
     *
     * @minItems 1
     */
    pieces?: [number, ...number[]];
    /**
     * A length of time: a number of milliseconds, or a string with a unit: `250ms`, `1.5s`, `2m`. At most 2147483647 ms (about 24.8 days, `35791m`), the longest wait a timer holds: a longer one is refused, not shortened.
     */
    gap?: number | string;
  };
  /**
   * Corrupt the reply: a kind by name, or `{ kind: value }` to choose the value (`{ transactionId: 0 }`, `{ truncate: 3 }`, `{ garbage: 12 }`). `badCrc`: an RTU reply with a wrong CRC (a Modbus/TCP reply, which has none, goes unchanged).
   */
  malformed?:
    | (
        | 'wrongTransactionId'
        | 'wrongUnitId'
        | 'wrongFunctionCode'
        | 'truncated'
        | 'fewerRegisters'
        | 'wrongByteCount'
        | 'wrongLength'
        | 'garbage'
        | 'duplicate'
        | 'badCrc'
      )
    | {
        transactionId?: number;
        unitId?: number;
        functionCode?: number;
        /**
         * Bytes cut off the end.
         */
        truncate?: number;
        /**
         * Registers (or bytes of bits) left out, byte count and length kept consistent.
         */
        fewerRegisters?: number;
        byteCount?: number;
        length?: number;
        /**
         * Random bytes instead of the reply.
         */
        garbage?: number;
      };
  /**
   * Freeze values while the rule fires: `true` freezes the words the rule's `address` or `points` name (without either, everything its reads see), `{ points: [...] }` only those points. Reads show the values of the moment the rule started firing; writes still land.
   */
  stale?:
    | true
    | {
        /**
         * @minItems 1
         */
        points: [string, ...string[]];
      };
  /**
   * Answer pipelined requests on a connection in another order, as Modbus TCP allows (a reply carries its request's transaction id). `true`: reversed pairs. `{ window, order, flushAfter }`: hold the replies of `window` requests the rule fires for (2..64, default 2) and send them together, reversed (`order: reverse`, default) or in a seeded shuffle that is never the request order (`order: shuffle`, stream `<rule>/order`); a window not full `flushAfter` (default 100ms) after its first reply was held goes out as it is, in that kind of order. Refused for a transport without transaction ids (RTU).
   */
  outOfOrder?:
    | true
    | {
        /**
         * Replies held and sent together (default 2).
         */
        window?: number;
        /**
         * `reverse` (default): last first. `shuffle`: a seeded permutation, never the request order.
         */
        order?: 'reverse' | 'shuffle';
        /**
         * A length of time: a number of milliseconds, or a string with a unit: `250ms`, `1.5s`, `2m`. At most 2147483647 ms (about 24.8 days, `35791m`), the longest wait a timer holds: a longer one is refused, not shortened.
         */
        flushAfter?: number | string;
      };
}
/**
 * State machines by name (docs/commands.md). A machine's name reads as its state's value in expressions, `<machine>.<state>` as 1 while in that state; names may not be point names.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Machines".
 */
export interface Machines {
  [k: string]: Machine;
}
/**
 * A state machine (docs/commands.md): named states, an initial one, transitions on writes, on conditions and after times, and actions on entry and exit. It steps on the emulator clock, in time order with the stateful generators, so it replays exactly under a seed and a manual clock.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Machine".
 */
export interface Machine {
  /**
   * What the machine models, for people.
   */
  description?: string;
  /**
   * The state at start and after reset(). Its entry actions do not run: the points' declared values are that state's. Example: `operationEnabled`.
   */
  initial: string;
  /**
   * Seconds between the steps on which `when`-only transitions are sampled (default 0.1).
   */
  every?: number;
  /**
   * The states by name, in order (a state's default number is its position). Example: `{ open: {}, closing: {}, closed: {} }`.
   */
  states: {
    [k: string]: MachineState;
  };
  /**
   * Tried in the order written.
   */
  transitions?: Transition[];
}
/**
 * A way from one state to another. Give `write` (at a write to that point, when `when` holds after it), `when` alone (on the condition's rising edge, sampled on the machine's steps of `every`), or `after` (after that long in the state, exactly; with `when`: if it then holds). The first transition in written order that applies fires; one per write or step.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Transition".
 */
export interface Transition {
  /**
   * The state(s) it leaves. Default: any state but `to`. Example: `[switchedOn, operationEnabled]`.
   */
  from?: string | [string, ...string[]];
  /**
   * The state it enters. Example: `fault`.
   */
  to: string;
  /**
   * Fires at a write to this point (or one of these), client or API. Example: `controlWord`.
   */
  write?: string | [string, ...string[]];
  /**
   * Condition. With `write`: checked after the write (`value`, `previous` are the written point's). Alone: fires when it turns true at a step. With `after`: must hold when the time is up. Example: `(controlWord & 0x8F) == 0x0F`.
   */
  when?: string;
  /**
   * Seconds of emulator time in the `from` state, counted from entering it. Example: `0.08`.
   */
  after?: number;
  /**
   * What the transition is, for people.
   */
  description?: string;
}
/**
 * A condition client writes must leave true: checked after the request's words are applied (values of the whole request, other points as they are); false refuses the write, which changes nothing and answers `exception`. `-v` names the rule. API writes are not checked.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "WriteRule".
 */
export interface WriteRule {
  /**
   * Names the rule in `-v` logs. Example: `speed limits`.
   */
  name: string;
  /**
   * What the rule is for, for people.
   */
  description?: string;
  /**
   * The condition (nonzero allows). Expressions are the generators' language (see `Generate`), without state (no prev, dt, lag, slew...): they read points by name, a machine's state (`drive` is its state's value, `drive.fault` is 1 while it is in state fault), and t. Example: `lowSpeed <= highSpeed && highSpeed <= maxFrequency`.
   */
  allow: string;
  /**
   * Writes to these points are checked. Default: the points `allow` reads. Example: `[maxFrequency]` for a setting that may change only while the motor is stopped.
   *
   * @minItems 1
   */
  points?: [string, ...string[]];
  /**
   * The exception code of a refusal (default 3, illegal data value; 4 or 6 as some devices answer).
   */
  exception?: number;
}
/**
 * A device definition: its points, blocks and identity. Used by units and templates.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Device".
 */
export interface Device {
  name?: string;
  description?: string;
  byteOrder?: ByteOrder;
  addressing?: Addressing;
  writeToReadOnly?: WriteToReadOnly;
  access?: DefaultAccess;
  identification?: IdentificationSetting;
  reportServerId?: ReportServerIdSetting;
  unmapped?: Unmapped;
  points?: Points;
  blocks?: Blocks;
  inputRegisters?: InputRegistersStorage;
  /**
   * A wait before replying, in real time (never scaled by --time-scale): a Duration (fixed), or jittered from the rule's own seeded stream: `{ uniform: [min, max] }`, `{ normal: { mean, sd } }`, `{ logNormal: { median, sigma } }` (negative draws wait 0).
   */
  responseDelay?:
    | Duration
    | {
        /**
         * Every wait between the two, equally likely.
         *
         * @minItems 2
         * @maxItems 2
         */
        uniform: [Duration, Duration];
      }
    | {
        normal: {
          mean: Duration;
          sd: Duration;
        };
      }
    | {
        logNormal: {
          median: Duration;
          /**
           * Spread of the logarithm: 0.5 puts about 2/3 of the waits within ×/÷ 1.65 of the median.
           */
          sigma: number;
        };
      };
  faults?: Faults;
  machines?: Machines;
  writeRules?: WriteRules;
}
/**
 * Modbus/TCP Security rights: what each role (read from the client certificate's role extension) may read and write. A request outside its role's rights answers exception 01 and is logged with the role. Without this key every client the CA authenticated may do everything. See docs/tls.md.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Security".
 */
export interface Security {
  /**
   * Rights by role name, as the certificate spells it (case matters).
   */
  roles?: {
    [k: string]: Rights;
  };
  /**
   * What a client without a role, or with a role not listed in `roles`, may do: `deny` (the default: nothing), `allow` (everything), or the name of a role in `roles` whose rights it gets.
   */
  noRole?: string;
}
/**
 * What one role may do. Left out, `read` and `write` are `none`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Rights".
 */
export interface Rights {
  read?: Grant;
  write?: Grant;
  /**
   * Function codes: a number 1..255 or a request name (`readHoldingRegisters`), or a list of them.
   */
  functions?:
    | (
        | number
        | (
            | 'readCoils'
            | 'readDiscreteInputs'
            | 'readHoldingRegisters'
            | 'readInputRegisters'
            | 'writeSingleCoil'
            | 'writeSingleRegister'
            | 'diagnostics'
            | 'writeMultipleCoils'
            | 'writeMultipleRegisters'
            | 'reportServerId'
            | 'maskWriteRegister'
            | 'readWriteMultipleRegisters'
            | 'readDeviceIdentification'
          )
      )
    | [
        (
          | number
          | (
              | 'readCoils'
              | 'readDiscreteInputs'
              | 'readHoldingRegisters'
              | 'readInputRegisters'
              | 'writeSingleCoil'
              | 'writeSingleRegister'
              | 'diagnostics'
              | 'writeMultipleCoils'
              | 'writeMultipleRegisters'
              | 'reportServerId'
              | 'maskWriteRegister'
              | 'readWriteMultipleRegisters'
              | 'readDeviceIdentification'
            )
        ),
        ...(
          | number
          | (
              | 'readCoils'
              | 'readDiscreteInputs'
              | 'readHoldingRegisters'
              | 'readInputRegisters'
              | 'writeSingleCoil'
              | 'writeSingleRegister'
              | 'diagnostics'
              | 'writeMultipleCoils'
              | 'writeMultipleRegisters'
              | 'reportServerId'
              | 'maskWriteRegister'
              | 'readWriteMultipleRegisters'
              | 'readDeviceIdentification'
            )
        )[]
      ];
}
/**
 * Named scenarios (docs/scenarios.md): each an ordered list of phases on the emulator clock, started with `--scenario NAME`, the API or the control channel. Only one runs at a time per device; none runs unless started.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Scenarios".
 */
export interface Scenarios {
  [k: string]: Scenario;
}
/**
 * A scenario: its phases run in order, each for its `duration`. With `loop: true` the first phase follows the last; otherwise the last phase holds until the scenario is stopped (it needs no duration).
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Scenario".
 */
export interface Scenario {
  /**
   * What the scenario shows, for people.
   */
  description?: string;
  /**
   * Start again at the first phase after the last (default false: the last phase holds). Every phase of a looping scenario needs a duration.
   */
  loop?: boolean;
  /**
   * The phases in the order they run.
   *
   * @minItems 1
   */
  phases: [Phase, ...Phase[]];
}
/**
 * One phase of a scenario: what holds while it lasts. When it ends, its fault rules, modes and overrides end with it.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Phase".
 */
export interface Phase {
  /**
   * Unique in its scenario: logs, the journal and `jump` name phases by it.
   */
  name: string;
  /**
   * What the phase models, for people.
   */
  description?: string;
  /**
   * A length of time: a number of milliseconds, or a string with a unit: `250ms`, `1.5s`, `2m`. At most 2147483647 ms (about 24.8 days, `35791m`), the longest wait a timer holds: a longer one is refused, not shortened.
   */
  duration?: number | string;
  faults?: Faults1;
  modes?: Modes;
  /**
   * Point values served instead of what is stored while the phase lasts (a gateway: in every unit that has the point). Writes and reactions still change the stored value underneath, and it shows again when the phase ends. Example: `{ power: 0, status: 3 }`.
   */
  points?: {
    [k: string]: number | boolean | string;
  };
  /**
   * Point values computed from `t`, the seconds since the phase began, served instead of what is stored while the phase lasts: the generators' language without state or point references (`1000 - 20 * t`, `230 + 5 * sine(60)`). Example: `{ voltage: "230 - 2 * t" }`.
   */
  generate?: {
    [k: string]: string | number;
  };
}
/**
 * Device modes (docs/scenarios.md#modes): how the whole device behaves while the phase lasts. Example: `{ offline: { units: [2], answer: gatewayTargetFailedToRespond } }`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "Modes".
 */
export interface Modes {
  offline?: Offline;
  /**
   * The device reboots when the phase begins: every connection is closed and connects are refused while the phase lasts; then it listens again on the same port with its initial values (or those of `--state`), generators and state machines started over. Only for a device with its own listener. Example: `true`.
   */
  reboot?: boolean;
  connections?: ConnectionModes;
}
/**
 * How the listener treats connections while the phase lasts. Example: `{ accept: refuse }`, `{ limit: 3 }`.
 *
 * This interface was referenced by `DeviceProfile`'s JSON-Schema
 * via the `definition` "ConnectionModes".
 */
export interface ConnectionModes {
  /**
   * `serve` (default): as usual. `refuse`: new connections are reset at once (open ones stay). `ignore`: new connections are accepted and never answered (closed when the mode ends). Example: `refuse`.
   */
  accept?: 'serve' | 'refuse' | 'ignore';
  /**
   * At most this many connections at once (a serial gateway takes 3 to 16); newcomers past it are handled as `server.whenFull` says (refused by default), open connections above it stay. Example: `3`.
   */
  limit?: number;
}
