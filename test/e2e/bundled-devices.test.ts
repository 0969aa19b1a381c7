import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Table } from '../../src/device/data-source.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { connectClient as connect, type ModbusRTU } from '../helpers/modbus-client.js';

/**
 * Every bundled profile (devices/*.yaml, discovered, so a new file is covered) loads without a
 * diagnostic and serves what it documents, checked with modbus-serial and decoded here with Buffer.
 */
const DEVICES = fileURLToPath(new URL('../../devices/', import.meta.url));
const FILES = readdirSync(DEVICES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const path = (file: string): string => `${DEVICES}${file}`;

/** On a manual clock at 0 and seed 1: generated points hold still between two reads of a test. */
async function serve(file: string): Promise<Emulator> {
  const emulator = await startEmulator({ profile: path(file), port: 0, clock: new ManualClock(), seed: 1 });
  onTestFinished(() => emulator.close());
  return emulator;
}

/**
 * The profile without its fault rules (the devices/fault-*.yaml examples lose or garble
 * replies on purpose), for the checks every bundled device must pass; what their rules do is
 * tested in fault-devices.test.ts.
 */
async function serveWithoutFaults(file: string, closeAfterTest = true): Promise<Emulator> {
  const doc = parse(readFileSync(path(file), 'utf8')) as { faults?: unknown; units?: { faults?: unknown }[] };
  delete doc.faults;
  for (const unit of doc.units ?? []) delete unit.faults;
  // At 0 on a manual clock every generated point still holds its `value` (a stateful one's start;
  // a stateless one may have none: W_VALUE_NEVER_SERVED).
  const emulator = await startEmulator({ profile: doc, cwd: DEVICES, port: 0, clock: new ManualClock(), seed: 1 });
  if (closeAfterTest) onTestFinished(() => emulator.close());
  return emulator;
}

/** Raw words (or 0/1 bits) of `quantity` addresses of `table`, through the function code of the table. */
async function readWire(client: ModbusRTU, table: Table, address: number, quantity: number): Promise<number[]> {
  switch (table) {
    case 'coils':
      return (await client.readCoils(address, quantity)).data.slice(0, quantity).map(Number);
    case 'discreteInputs':
      return (await client.readDiscreteInputs(address, quantity)).data.slice(0, quantity).map(Number);
    case 'holdingRegisters':
      return (await client.readHoldingRegisters(address, quantity)).data;
    case 'inputRegisters':
      return (await client.readInputRegisters(address, quantity)).data;
  }
}

const int16 = (w: number): number => (w >= 0x8000 ? w - 0x10000 : w);
const uint32 = (high: number, low: number): number => high * 0x10000 + low;
const int32 = (high: number, low: number): number => Buffer.from([high >> 8, high & 0xff, low >> 8, low & 0xff]).readInt32BE(0);
const float32 = (high: number, low: number): number => Buffer.from([high >> 8, high & 0xff, low >> 8, low & 0xff]).readFloatBE(0);
const text = (words: readonly number[]): string => Buffer.from(words.flatMap((w) => [w >> 8, w & 0xff])).toString('latin1').replace(/\0+$/, '');

/** FC 43 object ids of the profile's `identification` keys, with the defaults of a device without them. */
function expectedIdentification(identification: Record<string, string> | undefined): Record<number, string> {
  const ids: [string, number][] = [
    ['vendorName', 0],
    ['productCode', 1],
    ['revision', 2],
    ['vendorUrl', 3],
    ['productName', 4],
    ['modelName', 5],
    ['userApplicationName', 6],
  ];
  const out: Record<number, string> = { 0: 'modbus-emu', 1: 'MODBUS-EMU', 2: '0.1' };
  for (const [key, id] of ids) if (identification?.[key] !== undefined) out[id] = String(identification[key]);
  return out;
}

type Identification = Record<string, string> | undefined;
interface PointDoc {
  type?: string;
  value?: unknown;
  raw?: unknown;
  scale?: number;
  offset?: number;
  scaleFactor?: string;
  /** A generated point moves (test/e2e/bundled-movement.test.ts asserts how): its `value` is a start. */
  generate?: unknown;
  /** raw value → name: a named value in the file stands for its raw number */
  enum?: Record<string, string>;
}
interface ProfileDoc {
  byteOrder?: 'ABCD' | 'CDAB';
  identification?: Identification;
  points?: Record<string, PointDoc>;
  templates?: Record<string, { include?: string; identification?: Identification }>;
  units?: { unitId: number | (number | string)[]; use?: string; identification?: Identification }[];
}

/**
 * Which identification each unit should answer with, read from the YAML (a gateway unit's from
 * its template's file); units without a device behind them (`respond: …`) have none.
 */
function identificationCases(doc: ProfileDoc): { unitId: number | undefined; identification: Identification }[] {
  if (!doc.units) return [{ unitId: undefined, identification: doc.identification }];
  return doc.units
    .filter((unit) => unit.use !== undefined)
    .map((unit) => {
      const template = doc.templates?.[unit.use!];
      const included = template?.include
        ? (parse(readFileSync(path(template.include), 'utf8')) as ProfileDoc).identification
        : undefined;
      return { unitId: firstUnitId(unit.unitId), identification: unit.identification ?? template?.identification ?? included };
    });
}

/** The points of the file, or of each gateway unit's template file, with the unit id that reaches them. */
function pointsOf(doc: ProfileDoc): { unitId: number | undefined; points: Record<string, PointDoc>; order: 'ABCD' | 'CDAB' }[] {
  if (!doc.units) return [{ unitId: undefined, points: doc.points ?? {}, order: doc.byteOrder ?? 'ABCD' }];
  return doc.units
    .filter((unit) => unit.use !== undefined)
    .map((unit) => {
      const include = doc.templates?.[unit.use!]?.include;
      const included = include ? (parse(readFileSync(path(include), 'utf8')) as ProfileDoc) : undefined;
      return { unitId: firstUnitId(unit.unitId), points: included?.points ?? {}, order: included?.byteOrder ?? doc.byteOrder ?? 'ABCD' };
    });
}

/** A raw value from wire words (or a bit), decoded here with Buffer by the point's type and the file's word order. */
function decodeWire(type: string, order: 'ABCD' | 'CDAB', words: readonly number[]): number | string | boolean {
  const ordered = order === 'CDAB' && words.length === 2 ? [words[1]!, words[0]!] : words;
  const buf = Buffer.from(ordered.flatMap((w) => [w >> 8, w & 0xff]));
  switch (type) {
    case 'int16': return buf.readInt16BE(0);
    case 'uint16': case 'bitfield16': return buf.readUInt16BE(0);
    case 'int32': return buf.readInt32BE(0);
    case 'uint32': case 'bitfield32': return buf.readUInt32BE(0);
    case 'float32': return buf.readFloatBE(0);
    case 'string': return text(words);
    case 'bool': return words[0] === 1;
    default: throw new Error(`decodeWire: no decoder for ${type}`);
  }
}

const firstUnitId = (ids: number | (number | string)[]): number => parseInt(String(Array.isArray(ids) ? ids[0] : ids), 10);

describe.each(FILES)('devices/%s', (file) => {
  // The checks below only read: one device (without its fault rules) serves them all.
  let shared: Promise<Emulator> | undefined;
  const served = (): Promise<Emulator> => (shared ??= serveWithoutFaults(file, false));
  afterAll(async () => (await shared)?.close());

  it('loads and compiles without a diagnostic or a warning', async () => {
    const result = await loadDevice(path(file));
    expect(result.ok ? result.warnings : result.diagnostics).toEqual([]);
  });

  it('serves what the file says on the wire: every literal value (a generated point\'s at t = 0), decoded here from the words, independently of the emulator', async () => {
    const emulator = await served();
    const doc = parse(readFileSync(path(file), 'utf8')) as ProfileDoc;
    let checked = 0;
    for (const { unitId, points, order } of pointsOf(doc)) {
      const unit = unitId === undefined ? emulator.device.units[0]! : emulator.device.unit(unitId)!;
      const client = await connect(emulator.port, unitId ?? 1);
      for (const [name, spec] of Object.entries(points)) {
        const info = unit.points.get(name);
        if (!info || (spec.generate !== undefined && spec.value === undefined) || info.access === 'writeOnly') continue;
        const named = spec.enum && Object.entries(spec.enum).find(([, label]) => label === spec.value);
        const literal = spec.raw ?? (named ? Number(named[0]) : spec.value);
        if (typeof literal === 'object') continue; // bit fields given by bits: checked per bit in the device tests
        const raw = decodeWire(spec.type ?? info.type, order, await readWire(client, info.table, info.address, info.size));
        const where = `${unit.name} ${name} (${info.table} ${info.address})`;
        if (literal === undefined) {
          expect(raw, `${where}: no value in the file`).toEqual(spec.type === 'string' ? '' : spec.type === 'bool' ? false : 0);
        } else if (spec.raw !== undefined && typeof raw === 'number') {
          // `raw` is the register contents: compared as the unsigned bit pattern (0x8000 in an int16 is -32768).
          const bits = 2 ** (16 * info.size);
          const pattern = (x: number): number => ((x % bits) + bits) % bits;
          expect(pattern(raw), where).toBe(pattern(Number(literal)));
        } else if (typeof raw !== 'number') {
          expect(raw, where).toEqual(literal);
        } else {
          const sf = spec.scaleFactor === undefined ? undefined : Number(points[spec.scaleFactor]!.value);
          const value = sf === undefined ? raw * (spec.scale ?? 1) + (spec.offset ?? 0) : raw * 10 ** sf;
          // A register holds the nearest step of the scale; float32 about 7 significant digits.
          const step = sf === undefined ? Math.abs(spec.scale ?? 0) : 10 ** sf;
          expect(Math.abs(value - Number(literal)), `${where} = ${value} on the wire, the file says ${String(literal)}`).toBeLessThanOrEqual(step / 2 + Math.abs(Number(literal)) * 1e-6 + 1e-9);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("every point given a value in the file reads that value (the file's literal, not storage)", async () => {
    const emulator = await served();
    const doc = parse(readFileSync(path(file), 'utf8')) as ProfileDoc;
    let checked = 0;
    for (const { unitId, points } of pointsOf(doc)) {
      for (const [name, spec] of Object.entries(points)) {
        const named = spec.enum && Object.entries(spec.enum).find(([, label]) => label === spec.value);
        const value = named ? Number(named[0]) : spec.value;
        if (typeof value === 'object' || value === undefined) continue; // bit fields: checked per bit in the device tests
        if (spec.generate !== undefined) continue;
        const actual = emulator.read(name, unitId === undefined ? undefined : { unitId });
        if (typeof value === 'number') {
          // float32 keeps about 7 significant digits
          expect(Math.abs(Number(actual) - value), `${name} = ${String(actual)}, file says ${value}`).toBeLessThanOrEqual(Math.abs(value) * 1e-6);
        } else {
          expect(actual, name).toBe(value);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('FC 43 regular stream returns the profile identification (each unit of a gateway its own)', async () => {
    const doc = parse(readFileSync(path(file), 'utf8')) as ProfileDoc;
    const emulator = await served();
    const cases = identificationCases(doc);
    expect(cases.length).toBeGreaterThan(0);
    for (const { unitId, identification } of cases) {
      const client = await connect(emulator.port, unitId);
      const reply = await client.readDeviceIdentification(2, 0);
      expect(reply.data, `unit ${unitId ?? 'default'}`).toEqual(expectedIdentification(identification));
    }
  });
});

describe('devices/pump.yaml', () => {
  type Spec = {
    type: string;
    table?: string;
    address: number;
    scale?: number;
    value?: number | Record<string, boolean | number>;
    generate?: unknown;
    bits?: Record<string, number | { bit: number; width?: number }>;
  };
  const points = (parse(readFileSync(path('pump.yaml'), 'utf8')) as { points: Record<string, Spec> }).points;

  it('lists every point and every named bit of the file', async () => {
    const emulator = await serve('pump.yaml');
    const expected = Object.entries(points).flatMap(([name, spec]) => [name, ...Object.keys(spec.bits ?? {}).map((bit) => `${name}.${bit}`)]);
    expect(new Set(emulator.device.units[0]!.points.keys())).toEqual(new Set(expected));
  });

  /** A bit field's word from the file's per-bit values. */
  const bitfieldWord = (spec: Spec): number => {
    let word = 0;
    for (const [bitName, v] of Object.entries((spec.value as Record<string, boolean | number> | undefined) ?? {})) {
      const bitSpec = spec.bits![bitName]!;
      word |= Number(v) << (typeof bitSpec === 'number' ? bitSpec : bitSpec.bit);
    }
    return word;
  };

  it('every point read with modbus-serial holds the value the file gives it (and emulator.read agrees)', async () => {
    const emulator = await serve('pump.yaml');
    const client = await connect(emulator.port);
    for (const info of emulator.device.units[0]!.points.values()) {
      const [pointName, bitName] = info.name.split('.') as [string, string | undefined];
      const spec = points[pointName]!;
      if (spec.generate !== undefined) continue; // it moves: bundled-movement.test.ts
      expect(info.table, info.name).toBe('holdingRegisters');
      expect(info.address, info.name).toBe(spec.address);
      const [word] = await client.readHoldingRegisters(spec.address, 1).then((r: { data: number[] }) => r.data);
      const actual = emulator.read(info.name);
      if (bitName !== undefined) {
        const bitSpec = spec.bits![bitName]!;
        const bit = typeof bitSpec === 'number' ? bitSpec : bitSpec.bit;
        const width = typeof bitSpec === 'number' ? 1 : (bitSpec.width ?? 1);
        const field = (word! >> bit) & ((1 << width) - 1);
        const fromFile = (spec.value as Record<string, boolean | number> | undefined)?.[bitName] ?? (width === 1 ? false : 0);
        expect(width === 1 ? field === 1 : field, info.name).toBe(fromFile);
        expect(actual, info.name).toBe(fromFile);
        continue;
      }
      const raw = spec.type === 'int16' ? int16(word!) : word!;
      const fromFile = typeof spec.value === 'number' ? spec.value : bitfieldWord(spec);
      expect(raw * (spec.scale ?? 1), info.name).toBeCloseTo(fromFile, 9);
      expect(actual as number, info.name).toBeCloseTo(fromFile, 9);
    }
  });

  it('documented values: control word 0x000F, status word 0x0637, 45.0 Hz (raw 450)', async () => {
    const emulator = await serve('pump.yaml');
    const client = await connect(emulator.port);
    expect((await client.readHoldingRegisters(8501, 2)).data).toEqual([0x000f, 450]);
    expect((await client.readHoldingRegisters(3201, 3)).data).toEqual([0x0637, 450, 450]);
    expect(emulator.read('statusWord')).toBe(0x0637);
    expect(emulator.read('statusWord.referenceReached')).toBe(true);
    expect(emulator.read('frequencyReference')).toBe(45);
  });

  it('frequencyReference: a write in range is taken, above max 60.0 Hz gets 03, status word is read-only (02)', async () => {
    const emulator = await serve('pump.yaml');
    const client = await connect(emulator.port);
    await client.writeRegister(8502, 0x10000 - 300); // -30.0 Hz
    expect(emulator.read('frequencyReference')).toBe(-30);
    await expect(client.writeRegister(8502, 601)).rejects.toMatchObject({ modbusCode: 3 });
    expect(emulator.read('frequencyReference')).toBe(-30);
    await expect(client.writeRegister(3201, 0)).rejects.toMatchObject({ modbusCode: 2 });
    // The status word is generated: running, the new reference not reached yet (the ramp has not moved at t = 0).
    expect(emulator.read('statusWord')).toBe(0x0237);
  });
});

describe('devices/inverter-sunspec.yaml', () => {
  it('"SunS" at 40000, models 1 and 103 chained by their lengths, 0xFFFF end marker', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    expect((await client.readHoldingRegisters(40000, 2)).data).toEqual([0x5375, 0x6e53]);
    expect(text((await client.readHoldingRegisters(40000, 2)).data)).toBe('SunS');
    // Walk the model list the way a SunSpec client does.
    const models: number[] = [];
    let address = 40002;
    for (;;) {
      const [id, length] = (await client.readHoldingRegisters(address, 2)).data as [number, number];
      if (id === 0xffff) break;
      models.push(id);
      address += 2 + length;
    }
    expect(models).toEqual([1, 103]);
    expect(address).toBe(40122);
    expect((await client.readHoldingRegisters(40122, 2)).data).toEqual([0xffff, 0]);
    expect(emulator.read('End_ID')).toBe(0xffff);
  });

  it('common model strings', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    expect(text((await client.readHoldingRegisters(40004, 16)).data)).toBe('Emu Solar');
    expect(text((await client.readHoldingRegisters(40020, 16)).data)).toBe('ES-10K-3P');
    expect((await client.readHoldingRegisters(40036, 8)).data).toEqual(new Array(8).fill(0)); // Opt: not implemented, all NUL
    expect(text((await client.readHoldingRegisters(40052, 16)).data)).toBe('ES10K2146001723');
  });

  it('scale factors: engineering = raw × 10^sf, computed from the wire', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    const m = (await client.readHoldingRegisters(40072, 36)).data; // 40072..40107
    const at = (a: number): number => m[a - 40072]!;
    expect([at(40072), at(40076)]).toEqual([3215, 0xfffe]); // A = 3215, A_SF = -2
    const scaled = (raw: number, sf: number): number => (sf < 0 ? raw / 10 ** -sf : raw * 10 ** sf);
    expect(emulator.read('A')).toBe(scaled(at(40072), int16(at(40076))));
    // Model 103: the total AC current is the sum of the phase currents, not their mean.
    expect(emulator.read('A')).toBe(32.15);
    expect(at(40072)).toBe(at(40073) + at(40074) + at(40075));
    expect(emulator.read('PhVphA')).toBe(scaled(at(40080), int16(at(40083))));
    expect(emulator.read('W')).toBe(scaled(int16(at(40084)), int16(at(40085))));
    expect(emulator.read('Hz')).toBe(scaled(at(40086), int16(at(40087))));
    expect(emulator.read('WH')).toBe(scaled(uint32(at(40094), at(40095)), int16(at(40096))));
    expect(emulator.read('TmpCab')).toBe(scaled(int16(at(40103)), int16(at(40107))));
    // …and what the wire says is what the file says.
    expect(scaled(at(40080), int16(at(40083)))).toBe(230.1);
    expect(scaled(int16(at(40084)), int16(at(40085)))).toBe(7385);
    expect(scaled(at(40086), int16(at(40087)))).toBe(50.01);
    expect(scaled(uint32(at(40094), at(40095)), int16(at(40096)))).toBe(21847520);
    expect(scaled(int16(at(40103)), int16(at(40107)))).toBe(45.3);
    expect([at(40105), at(40106)]).toEqual([0x8000, 0x8000]); // not implemented
  });

  it('line voltages follow from the phase voltages (120° apart): 398.3, 398.7, 399.0 V at t = 0', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    expect((await client.readHoldingRegisters(40077, 6)).data).toEqual([3983, 3987, 3990, 2301, 2298, 2306]); // V_SF = -1
    expect([emulator.read('PPVphAB'), emulator.read('PPVphBC'), emulator.read('PPVphCA')]).toEqual([398.3, 398.7, 399]);
  });

  it('operating state, event flags and "not implemented" values', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    const m = (await client.readHoldingRegisters(40108, 14)).data; // 40108..40121
    expect(m[0]).toBe(4); // St = MPPT
    expect(emulator.read('St')).toBe(4);
    expect(m[1]).toBe(0xffff); // StVnd
    expect(m.slice(2, 4)).toEqual([0, 0]); // Evt1
    expect(m.slice(8, 14)).toEqual([0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff]); // EvtVnd2..4
    expect(uint32(m[8]!, m[9]!)).toBe(0xffffffff); // raw: 0xFFFFFFFF in the file
    expect(emulator.read('EvtVnd2')).toBe(0xffffffff);
  });

  it('addresses outside the map answer 02 (clients probing 0 and 50000)', async () => {
    const emulator = await serve('inverter-sunspec.yaml');
    const client = await connect(emulator.port);
    await expect(client.readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readHoldingRegisters(50000, 2)).rejects.toMatchObject({ modbusCode: 2 });
  });
});

describe('devices/meter-sdm630.yaml', () => {
  it('float32 ABCD measurements in the input registers (modicon 30001 = FC 4 address 0)', async () => {
    const emulator = await serve('meter-sdm630.yaml');
    const client = await connect(emulator.port);
    const words = (await client.readInputRegisters(0, 6)).data;
    expect(float32(words[0]!, words[1]!)).toBe(Math.fround(230.4));
    // read() gives the declared decimal; the wire carries its float32.
    expect(emulator.read('voltage_L1')).toBe(230.4);
    expect(float32(words[4]!, words[5]!)).toBe(Math.fround(229.8));
    const total = (await client.readInputRegisters(0x0156, 2)).data;
    expect(float32(total[0]!, total[1]!)).toBe(Math.fround(18346.9));
    expect(emulator.read('totalEnergy')).toBe(18346.9);
  });

  it('the neutral current follows from the phase currents (120° apart): 1.249 A at t = 0', async () => {
    const emulator = await serve('meter-sdm630.yaml');
    const client = await connect(emulator.port);
    const words = (await client.readInputRegisters(0x00e0, 2)).data;
    expect(float32(words[0]!, words[1]!)).toBeCloseTo(1.249, 3);
    expect(emulator.read('neutralCurrent')).toBeCloseTo(1.249, 3);
  });

  it('the measurement area is covered by the block: 125 registers from 0 in one read, gaps 0', async () => {
    const emulator = await serve('meter-sdm630.yaml');
    const client = await connect(emulator.port);
    const words = (await client.readInputRegisters(0, 125)).data;
    expect(words.slice(0x24, 0x34)).toEqual(new Array(16).fill(0)); // 30037..30052: no point
    expect(float32(words[0x46]!, words[0x47]!)).toBe(Math.fround(50.02));
  });

  it('settings in the holding registers, the serial number at 0xFC00 (6-digit modicon)', async () => {
    const emulator = await serve('meter-sdm630.yaml');
    const client = await connect(emulator.port);
    const type = (await client.readHoldingRegisters(10, 2)).data;
    expect(float32(type[0]!, type[1]!)).toBe(3);
    expect(emulator.read('systemType')).toBe(3);
    const serial = (await client.readHoldingRegisters(0xfc00, 2)).data;
    expect(uint32(serial[0]!, serial[1]!)).toBe(21110123);
    expect(emulator.read('serialNumber')).toBe(21110123);
  });
});

describe('devices/meter-em24.yaml', () => {
  it('int32 low word first, ÷10: 231.2 V is 0x0908 0x0000', async () => {
    const emulator = await serve('meter-em24.yaml');
    const client = await connect(emulator.port);
    const words = (await client.readHoldingRegisters(0, 2)).data;
    expect(words).toEqual([0x0908, 0x0000]);
    expect(int32(words[1]!, words[0]!) / 10).toBe(231.2);
    const energy = (await client.readHoldingRegisters(0x42, 2)).data;
    expect(int32(energy[1]!, energy[0]!) / 10).toBe(emulator.read('kWh_import'));
    expect(emulator.read('kWh_import')).toBe(5321.7);
    const pf = (await client.readHoldingRegisters(0x32, 1)).data;
    expect(int16(pf[0]!) / 1000).toBe(0.981);
  });

  it('FC 4 reads the same words as FC 3 (inputRegisters: sameAsHolding), the whole area in one read', async () => {
    const emulator = await serve('meter-em24.yaml');
    const client = await connect(emulator.port);
    const holding = (await client.readHoldingRegisters(0, 0x5e)).data;
    expect((await client.readInputRegisters(0, 0x5e)).data).toEqual(holding);
  });

  it('everything is read-only: a write gets 02', async () => {
    const emulator = await serve('meter-em24.yaml');
    const client = await connect(emulator.port);
    await expect(client.writeRegisters(0, [1, 0])).rejects.toMatchObject({ modbusCode: 2 });
    expect(emulator.read('V_L1N')).toBe(231.2);
  });
});

describe('devices/gateway.yaml', () => {
  it('unit 1 is the temperature controller: 184.7 °C at 289', async () => {
    const emulator = await serve('gateway.yaml');
    const client = await connect(emulator.port, 1);
    const [pv] = (await client.readHoldingRegisters(289, 1)).data;
    expect(pv).toBe(1847);
    expect(int16(pv!) / 10).toBe(emulator.read('processValue', { unitId: 1 }));
  });

  it('unit 9 answers exception 0x0B, unknown units (200, and 0) 0x0A', async () => {
    const emulator = await serve('gateway.yaml');
    await expect((await connect(emulator.port, 9)).readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 0x0b });
    await expect((await connect(emulator.port, 200)).readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 0x0a });
    await expect((await connect(emulator.port, 0)).readHoldingRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 0x0a });
  });

  it('units 2-4 are independent meters: a write on unit 3 leaves 2 and 4 unchanged', async () => {
    const emulator = await serve('gateway.yaml');
    const [two, three, four] = await Promise.all([2, 3, 4].map((id) => connect(emulator.port, id)));
    for (const c of [two!, three!, four!]) expect((await c.readHoldingRegisters(0, 2)).data).toEqual([0x0908, 0]);
    emulator.writeTable('holdingRegisters', 0, [0x1234, 0x0000], { unitId: 3 });
    expect((await three!.readHoldingRegisters(0, 2)).data).toEqual([0x1234, 0]);
    expect(emulator.read('V_L1N', { unitId: 3 })).toBe(466); // 0x00001234 = 4660, ÷10
    expect((await two!.readHoldingRegisters(0, 2)).data).toEqual([0x0908, 0]);
    expect((await four!.readHoldingRegisters(0, 2)).data).toEqual([0x0908, 0]);
    emulator.write('A_L1', 1.5, { unitId: 4 });
    expect((await four!.readHoldingRegisters(0x0c, 2)).data).toEqual([1500, 0]);
    expect(emulator.read('A_L1', { unitId: 2 })).toBe(4.812);
    expect(emulator.read('A_L1', { unitId: 3 })).toBe(4.812);
  });

  it('FC 43 returns each unit profile identification; unit 9 gets 0x0B', async () => {
    const emulator = await serve('gateway.yaml');
    const controller = await connect(emulator.port, 1);
    expect((await controller.readDeviceIdentification(1, 0)).data).toEqual({ 0: 'Eurotherm', 1: '3508', 2: '3.01' });
    expect((await controller.readDeviceIdentification(2, 0)).data).toEqual({
      0: 'Eurotherm',
      1: '3508',
      2: '3.01',
      4: '3500 series controller',
      5: '3508',
    });
    const meter = await connect(emulator.port, 3);
    expect((await meter.readDeviceIdentification(2, 0)).data).toEqual({
      0: 'Carlo Gavazzi',
      1: 'EM24DINAV93XO2X',
      2: '1.3',
      4: 'EM24 DIN',
      5: 'EM24DINAV93XO2X',
    });
    await expect((await connect(emulator.port, 9)).readDeviceIdentification(1, 0)).rejects.toMatchObject({ modbusCode: 0x0b });
  });
});

