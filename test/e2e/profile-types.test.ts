import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import type { PointValue } from '../../src/model/types.js';
import { startEmulator, type Emulator } from '../../src/index.js';
import { closeClient, connectClient, openClient, type ModbusRTU } from '../helpers/modbus-client.js';

/**
 * test/fixtures/profiles/all-types.yaml served on a real socket and read with modbus-serial:
 * every type, every byte order, holding and input registers. Each row states the exact words on
 * the wire (docs/protocol.md's golden vectors among them) and the value; the words are decoded here
 * with Buffer, independently of the emulator's codec, and compared with `emulator.read(name)`.
 */
const PROFILE = fileURLToPath(new URL('../fixtures/profiles/all-types.yaml', import.meta.url));

type Order = 'ABCD' | 'CDAB' | 'BADC' | 'DCBA';
const ORDERS: readonly Order[] = ['ABCD', 'CDAB', 'BADC', 'DCBA'];
type RegisterType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64' | 'string' | 'bitfield16' | 'bitfield32' | 'bool';

interface Row {
  name: string;
  table: 'holding' | 'input';
  address: number;
  type: RegisterType;
  order: Order;
  words: number[];
  /** The raw value the words decode to (before scale/offset/scale factor). */
  raw: PointValue;
  /** The engineering value `emulator.read` returns; the raw value when absent. */
  value?: PointValue;
}

/** One row per byte order; consecutive addresses from `base`. */
function everyOrder(prefix: string, table: Row['table'], base: number, type: RegisterType, raw: PointValue, words: Record<Order, number[]>): Row[] {
  return ORDERS.map((order, i) => ({ name: `${prefix}_${order}`, table, address: base + i * words[order].length, type, order, words: words[order], raw }));
}

const ROWS: Row[] = [
  // Holding registers, 16-bit (byte order applies only to multi-register values).
  { name: 'h_int16', table: 'holding', address: 0, type: 'int16', order: 'ABCD', words: [0xfb2e], raw: -1234 },
  { name: 'h_uint16', table: 'holding', address: 1, type: 'uint16', order: 'ABCD', words: [0xd431], raw: 54321 },
  { name: 'h_int16_min', table: 'holding', address: 2, type: 'int16', order: 'ABCD', words: [0x8000], raw: -32768 },
  { name: 'h_bf16', table: 'holding', address: 3, type: 'bitfield16', order: 'ABCD', words: [0x0a09], raw: 0x0a09 },
  { name: 'h_scaled', table: 'holding', address: 4, type: 'int16', order: 'ABCD', words: [0x0267], raw: 615, value: 21.5 }, // 615 × 0.1 − 40
  { name: 'h_scaledNeg', table: 'holding', address: 5, type: 'int16', order: 'ABCD', words: [0xfb2e], raw: -1234, value: -12.34 }, // × 0.01
  { name: 'h_W', table: 'holding', address: 6, type: 'uint16', order: 'ABCD', words: [0x0430], raw: 1072, value: 10.72 }, // × 10^h_W_SF
  { name: 'h_W_SF', table: 'holding', address: 7, type: 'int16', order: 'ABCD', words: [0xfffe], raw: -2 },
  { name: 'h_limited', table: 'holding', address: 8, type: 'int16', order: 'ABCD', words: [0x0037], raw: 55, value: 5.5 },
  { name: 'h_readOnly', table: 'holding', address: 9, type: 'uint16', order: 'ABCD', words: [0x0309], raw: 777 },
  { name: 'h_bool', table: 'holding', address: 10, type: 'bool', order: 'ABCD', words: [0x0001], raw: true },

  // Holding registers, 32-bit: float32 is docs/protocol.md's golden vector.
  ...everyOrder('h_f32', 'holding', 100, 'float32', 123456.0, {
    ABCD: [0x47f1, 0x2000],
    CDAB: [0x2000, 0x47f1],
    BADC: [0xf147, 0x0020],
    DCBA: [0x0020, 0xf147],
  }),
  ...everyOrder('h_i32', 'holding', 110, 'int32', -123456789, {
    ABCD: [0xf8a4, 0x32eb],
    CDAB: [0x32eb, 0xf8a4],
    BADC: [0xa4f8, 0xeb32],
    DCBA: [0xeb32, 0xa4f8],
  }),
  ...everyOrder('h_u32', 'holding', 120, 'uint32', 0xdeadbeef, {
    ABCD: [0xdead, 0xbeef],
    CDAB: [0xbeef, 0xdead],
    BADC: [0xadde, 0xefbe],
    DCBA: [0xefbe, 0xadde],
  }),
  ...everyOrder('h_bf32', 'holding', 130, 'bitfield32', 0x80010003, {
    ABCD: [0x8001, 0x0003],
    CDAB: [0x0003, 0x8001],
    BADC: [0x0180, 0x0300],
    DCBA: [0x0300, 0x0180],
  }),
  // No byteOrder of its own: the file's byteOrder (CDAB).
  { name: 'h_u32_default', table: 'holding', address: 140, type: 'uint32', order: 'CDAB', words: [0x0002, 0x0001], raw: 0x00010002 },

  // Holding registers, 64-bit: uint64 is docs/protocol.md's golden vector (word swap reverses all four words).
  ...everyOrder('h_i64', 'holding', 200, 'int64', -1234567890123n, {
    ABCD: [0xffff, 0xfee0, 0x8e04, 0xfb35],
    CDAB: [0xfb35, 0x8e04, 0xfee0, 0xffff],
    BADC: [0xffff, 0xe0fe, 0x048e, 0x35fb],
    DCBA: [0x35fb, 0x048e, 0xe0fe, 0xffff],
  }),
  ...everyOrder('h_u64', 'holding', 220, 'uint64', 0x0102030405060708n, {
    ABCD: [0x0102, 0x0304, 0x0506, 0x0708],
    CDAB: [0x0708, 0x0506, 0x0304, 0x0102],
    BADC: [0x0201, 0x0403, 0x0605, 0x0807],
    DCBA: [0x0807, 0x0605, 0x0403, 0x0201],
  }),
  ...everyOrder('h_f64', 'holding', 240, 'float64', Math.E, {
    ABCD: [0x4005, 0xbf0a, 0x8b14, 0x5769],
    CDAB: [0x5769, 0x8b14, 0xbf0a, 0x4005],
    BADC: [0x0540, 0x0abf, 0x148b, 0x6957],
    DCBA: [0x6957, 0x148b, 0x0abf, 0x0540],
  }),

  // Holding registers, strings: NUL padded; only the byte swap applies.
  ...everyOrder('h_str', 'holding', 300, 'string', 'ABCDE', {
    ABCD: [0x4142, 0x4344, 0x4500, 0x0000],
    CDAB: [0x4142, 0x4344, 0x4500, 0x0000],
    BADC: [0x4241, 0x4443, 0x0045, 0x0000],
    DCBA: [0x4241, 0x4443, 0x0045, 0x0000],
  }),

  // Input registers, 16-bit.
  { name: 'i_int16', table: 'input', address: 1000, type: 'int16', order: 'ABCD', words: [0xfed4], raw: -300 },
  { name: 'i_uint16', table: 'input', address: 1001, type: 'uint16', order: 'ABCD', words: [0x9c40], raw: 40000 },
  { name: 'i_bf16', table: 'input', address: 1002, type: 'bitfield16', order: 'ABCD', words: [0x8001], raw: 0x8001 },
  { name: 'i_scaled', table: 'input', address: 1003, type: 'uint16', order: 'ABCD', words: [0x12cc], raw: 4812, value: 4.812 },
  { name: 'i_W', table: 'input', address: 1004, type: 'int16', order: 'ABCD', words: [0xff6a], raw: -150, value: -1500 }, // × 10^1
  { name: 'i_W_SF', table: 'input', address: 1005, type: 'int16', order: 'ABCD', words: [0x0001], raw: 1 },
  { name: 'i_bool', table: 'input', address: 1006, type: 'bool', order: 'ABCD', words: [0x0001], raw: true },

  // Input registers, 32-bit.
  ...everyOrder('i_f32', 'input', 1100, 'float32', Math.fround(3.1415927), {
    ABCD: [0x4049, 0x0fdb],
    CDAB: [0x0fdb, 0x4049],
    BADC: [0x4940, 0xdb0f],
    DCBA: [0xdb0f, 0x4940],
  }).map((row) => ({ ...row, value: 3.1415927 })), // read() gives the declared decimal of the float32
  ...everyOrder('i_i32', 'input', 1110, 'int32', 0x12345678, {
    ABCD: [0x1234, 0x5678],
    CDAB: [0x5678, 0x1234],
    BADC: [0x3412, 0x7856],
    DCBA: [0x7856, 0x3412],
  }),
  ...everyOrder('i_u32', 'input', 1120, 'uint32', 0xfffffffe, {
    ABCD: [0xffff, 0xfffe],
    CDAB: [0xfffe, 0xffff],
    BADC: [0xffff, 0xfeff],
    DCBA: [0xfeff, 0xffff],
  }),
  ...everyOrder('i_bf32', 'input', 1130, 'bitfield32', 0x80001234, {
    ABCD: [0x8000, 0x1234],
    CDAB: [0x1234, 0x8000],
    BADC: [0x0080, 0x3412],
    DCBA: [0x3412, 0x0080],
  }),

  // Input registers, 64-bit.
  ...everyOrder('i_i64', 'input', 1200, 'int64', -0x0102030405060708n, {
    ABCD: [0xfefd, 0xfcfb, 0xfaf9, 0xf8f8],
    CDAB: [0xf8f8, 0xfaf9, 0xfcfb, 0xfefd],
    BADC: [0xfdfe, 0xfbfc, 0xf9fa, 0xf8f8],
    DCBA: [0xf8f8, 0xf9fa, 0xfbfc, 0xfdfe],
  }),
  ...everyOrder('i_u64', 'input', 1220, 'uint64', 0x8000000000000001n, {
    ABCD: [0x8000, 0x0000, 0x0000, 0x0001],
    CDAB: [0x0001, 0x0000, 0x0000, 0x8000],
    BADC: [0x0080, 0x0000, 0x0000, 0x0100],
    DCBA: [0x0100, 0x0000, 0x0000, 0x0080],
  }),
  ...everyOrder('i_f64', 'input', 1240, 'float64', -123456.789, {
    ABCD: [0xc0fe, 0x240c, 0x9fbe, 0x76c9],
    CDAB: [0x76c9, 0x9fbe, 0x240c, 0xc0fe],
    BADC: [0xfec0, 0x0c24, 0xbe9f, 0xc976],
    DCBA: [0xc976, 0xbe9f, 0x0c24, 0xfec0],
  }),

  // Input registers, strings that fill their registers.
  ...everyOrder('i_str', 'input', 1300, 'string', 'modbus', {
    ABCD: [0x6d6f, 0x6462, 0x7573],
    CDAB: [0x6d6f, 0x6462, 0x7573],
    BADC: [0x6f6d, 0x6264, 0x7375],
    DCBA: [0x6f6d, 0x6264, 0x7375],
  }),
];

// --- Independent decoding (Buffer), not the emulator's codec ------------------------------------

/** The bytes of a number in ABCD order: undo the word reversal (CDAB/DCBA) and the byte swap (BADC/DCBA). */
function bigEndianBytes(words: readonly number[], order: Order): Buffer {
  const ordered = order === 'CDAB' || order === 'DCBA' ? [...words].reverse() : [...words];
  const buf = Buffer.alloc(ordered.length * 2);
  ordered.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
  if (order === 'BADC' || order === 'DCBA') buf.swap16();
  return buf;
}

function decodeString(words: readonly number[], order: Order): string {
  const buf = Buffer.alloc(words.length * 2);
  words.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
  if (order === 'BADC' || order === 'DCBA') buf.swap16();
  return buf.toString('latin1').replace(/\0+$/, '');
}

function decodeRaw(type: RegisterType, order: Order, words: readonly number[]): PointValue {
  if (type === 'string') return decodeString(words, order);
  const b = bigEndianBytes(words, order);
  switch (type) {
    case 'bool':
      return b.readUInt16BE(0) !== 0;
    case 'int16':
      return b.readInt16BE(0);
    case 'uint16':
    case 'bitfield16':
      return b.readUInt16BE(0);
    case 'int32':
      return b.readInt32BE(0);
    case 'uint32':
    case 'bitfield32':
      return b.readUInt32BE(0);
    case 'int64':
      return b.readBigInt64BE(0);
    case 'uint64':
      return b.readBigUInt64BE(0);
    case 'float32':
      return b.readFloatBE(0);
    case 'float64':
      return b.readDoubleBE(0);
  }
}

function encodeFloat32(value: number, order: Order): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatBE(value);
  return reorder([b.readUInt16BE(0), b.readUInt16BE(2)], order);
}

/** ABCD words → words in `order` (the permutation is its own inverse). */
function reorder(words: readonly number[], order: Order): number[] {
  const swapped = order === 'BADC' || order === 'DCBA' ? words.map((w) => ((w & 0xff) << 8) | (w >>> 8)) : [...words];
  return order === 'CDAB' || order === 'DCBA' ? swapped.reverse() : swapped;
}

// --- Harness ---------------------------------------------------------------------------------

async function serve(): Promise<{ emulator: Emulator; client: ModbusRTU }> {
  const emulator = await startEmulator({ profile: PROFILE, port: 0 });
  onTestFinished(() => emulator.close());
  const client = await connectClient(emulator.port);
  return { emulator, client };
}

/**
 * One device for the tests that only read (they change nothing, so they need no device of their
 * own): ~100 starts of the emulator were most of this file's time.
 */
let reader: Promise<{ emulator: Emulator; client: ModbusRTU }> | undefined;
const served = (): Promise<{ emulator: Emulator; client: ModbusRTU }> =>
  (reader ??= startEmulator({ profile: PROFILE, port: 0 }).then(async (emulator) => ({ emulator, client: await openClient(emulator.port) })));
afterAll(async () => {
  const shared = await reader;
  if (!shared) return;
  await closeClient(shared.client);
  await shared.emulator.close();
});

async function readWords(client: ModbusRTU, table: Row['table'], address: number, quantity: number): Promise<number[]> {
  const reply = table === 'holding' ? await client.readHoldingRegisters(address, quantity) : await client.readInputRegisters(address, quantity);
  // The buffer is what came on the wire; data is the same words as numbers.
  const fromBuffer = Array.from({ length: quantity }, (_, i) => reply.buffer.readUInt16BE(i * 2));
  expect(reply.data).toEqual(fromBuffer);
  return reply.data;
}

describe('all-types.yaml read with modbus-serial', () => {
  it('covers every type in both register tables and every order of every multi-register type', () => {
    const types = new Set(ROWS.map((r) => `${r.table} ${r.type}`));
    for (const table of ['holding', 'input'] as const) {
      for (const type of ['int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'bitfield16', 'bitfield32', 'bool']) {
        expect(types, `${table} ${type}`).toContain(`${table} ${type}`);
      }
      for (const type of ['int32', 'uint32', 'int64', 'uint64', 'float32', 'float64', 'string', 'bitfield32']) {
        const orders = ROWS.filter((r) => r.table === table && r.type === type).map((r) => r.order);
        expect(new Set(orders), `${table} ${type}`).toEqual(new Set(ORDERS));
      }
    }
  });

  it.each(ROWS.map((r) => [r.name, r] as const))('%s: exact words on the wire, decoded value, emulator.read', async (_name, row) => {
    const { emulator, client } = await served();
    const words = await readWords(client, row.table, row.address, row.words.length);
    expect(words.map(hex)).toEqual(row.words.map(hex));
    expect(decodeRaw(row.type, row.order, words)).toEqual(row.raw);
    const value = emulator.read(row.name);
    if (row.value === undefined) {
      expect(value).toEqual(row.raw);
    } else {
      expect(value).toBe(row.value);
    }
  });

  it('scale/offset and the SunSpec scale factor: engineering values computed from the wire', async () => {
    const { emulator, client } = await served();
    const [scaled, scaledNeg, w, wSf] = await readWords(client, 'holding', 4, 4);
    expect(toInt16(scaled!) * 0.1 - 40).toBeCloseTo(emulator.read('h_scaled') as number, 9);
    expect(toInt16(scaledNeg!) * 0.01).toBeCloseTo(emulator.read('h_scaledNeg') as number, 9);
    expect(w! * 10 ** toInt16(wSf!)).toBeCloseTo(emulator.read('h_W') as number, 9);
    const [iw, iwSf] = await readWords(client, 'input', 1004, 2);
    expect(toInt16(iw!) * 10 ** toInt16(iwSf!)).toBe(emulator.read('i_W'));
  });

  it.each([
    ['holding', 100, 8],
    ['holding', 110, 8],
    ['holding', 120, 8],
    ['holding', 130, 8],
    ['holding', 200, 16],
    ['holding', 220, 16],
    ['holding', 240, 16],
    ['holding', 300, 16],
    ['input', 1100, 8],
    ['input', 1200, 16],
    ['input', 1300, 12],
  ] as const)('%s %i..: the four orders of a type read in one request', async (table, address, quantity) => {
    const { client } = await served();
    const words = await readWords(client, table, address, quantity);
    const expected = ROWS.filter((r) => r.table === table && r.address >= address && r.address < address + quantity).flatMap((r) => r.words);
    expect(words.map(hex)).toEqual(expected.map(hex));
  });

  it('bits of bit fields, decoded from the wire and by name', async () => {
    const { emulator, client } = await served();
    const [bf16] = await readWords(client, 'holding', 3, 1);
    expect(emulator.read('h_bf16.ready')).toBe((bf16! & 1) === 1);
    expect(emulator.read('h_bf16.fault')).toBe(((bf16! >> 3) & 1) === 1);
    expect(emulator.read('h_bf16.mode')).toBe((bf16! >> 8) & 0xf);
    expect(emulator.read('h_bf16.mode')).toBe(10);
    for (const order of ORDERS) {
      const word = decodeRaw('bitfield32', order, await readWords(client, 'holding', 130 + 2 * ORDERS.indexOf(order), 2)) as number;
      expect(emulator.read(`h_bf32_${order}.top`)).toBe(word >>> 31 === 1);
      expect(emulator.read(`h_bf32_${order}.mid`)).toBe(((word >>> 16) & 1) === 1);
      expect(emulator.read(`h_bf32_${order}.lo1`)).toBe(((word >>> 1) & 1) === 1);
      const inputWord = decodeRaw('bitfield32', order, await readWords(client, 'input', 1130 + 2 * ORDERS.indexOf(order), 2)) as number;
      expect(emulator.read(`i_bf32_${order}.low`)).toBe(inputWord & 0xffff);
      expect(emulator.read(`i_bf32_${order}.low`)).toBe(0x1234);
      expect(emulator.read(`i_bf32_${order}.flag`)).toBe(true);
    }
    expect(emulator.read('i_bf16.first')).toBe(true);
    expect(emulator.read('i_bf16.last')).toBe(true);
  });

  it('coils and discrete inputs', async () => {
    const { emulator, client } = await served();
    expect((await client.readCoils(0, 3)).data.slice(0, 3)).toEqual([true, false, true]);
    expect((await client.readDiscreteInputs(0, 3)).data.slice(0, 3)).toEqual([true, false, true]);
    expect([emulator.read('coilOn'), emulator.read('coilOff'), emulator.read('coilReadOnly')]).toEqual([true, false, true]);
    expect([emulator.read('inputOn'), emulator.read('inputOff'), emulator.read('inputOn2')]).toEqual([true, false, true]);
  });

  it("a single-register value's own byteOrder BADC swaps its two bytes (Home Assistant swap: byte)", async () => {
    const { emulator, client } = await served();
    expect((await readWords(client, 'holding', 11, 1)).map(hex)).toEqual([hex(0x0201)]);
    expect(emulator.read('h_int16_badc')).toBe(0x0102);
  });

  it('an address with no point answers exception 02', async () => {
    const { client } = await served();
    await expect(client.readHoldingRegisters(12, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readInputRegisters(1007, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readHoldingRegisters(1000, 1)).rejects.toMatchObject({ modbusCode: 2 }); // input layout is not in holding
  });
});

describe('all-types.yaml written with modbus-serial', () => {
  it('float32 CDAB: the client writes the words, the point reads the value', async () => {
    const { emulator, client } = await serve();
    const words = encodeFloat32(-2.5, 'CDAB');
    expect(words).toEqual([0x0000, 0xc020]);
    await client.writeRegisters(102, words);
    expect(emulator.read('h_f32_CDAB')).toBe(-2.5);
    expect(await readWords(client, 'holding', 102, 2)).toEqual(words);
    expect(emulator.read('h_f32_ABCD')).toBe(123456); // neighbours untouched
    expect(emulator.read('h_f32_BADC')).toBe(123456);
  });

  it('int32 negative, ABCD and DCBA', async () => {
    const { emulator, client } = await serve();
    await client.writeRegisters(110, [0xffff, 0xfffe]);
    expect(emulator.read('h_i32_ABCD')).toBe(-2);
    await client.writeRegisters(116, [0xfeff, 0xffff]);
    expect(emulator.read('h_i32_DCBA')).toBe(-2);
    expect(await readWords(client, 'holding', 110, 8)).toEqual([0xffff, 0xfffe, 0x32eb, 0xf8a4, 0xa4f8, 0xeb32, 0xfeff, 0xffff]);
  });

  it('uint64 CDAB: four words, low word first', async () => {
    const { emulator, client } = await serve();
    await client.writeRegisters(224, [0x7788, 0x5566, 0x3344, 0x1122]);
    expect(emulator.read('h_u64_CDAB')).toBe(0x1122334455667788n);
    expect(decodeRaw('uint64', 'CDAB', await readWords(client, 'holding', 224, 4))).toBe(0x1122334455667788n);
  });

  it('strings, plain and byte-swapped; a shorter string is NUL padded', async () => {
    const { emulator, client } = await serve();
    await client.writeRegisters(300, [0x4865, 0x7921, 0x0000, 0x0000]);
    expect(emulator.read('h_str_ABCD')).toBe('Hey!');
    await client.writeRegisters(308, [0x6548, 0x2179, 0x0000, 0x0000]);
    expect(emulator.read('h_str_BADC')).toBe('Hey!');
    emulator.write('h_str_DCBA', 'xyz');
    expect(await readWords(client, 'holding', 312, 4)).toEqual([0x7978, 0x007a, 0x0000, 0x0000]);
    expect(decodeString(await readWords(client, 'holding', 312, 4), 'DCBA')).toBe('xyz');
  });

  it('emulator.write of a float64 BADC shows on the wire', async () => {
    const { emulator, client } = await serve();
    emulator.write('h_f64_BADC', -0.5); // 0xBFE0000000000000
    const words = await readWords(client, 'holding', 248, 4);
    expect(words.map(hex)).toEqual([0xe0bf, 0, 0, 0].map(hex));
    expect(decodeRaw('float64', 'BADC', words)).toBe(-0.5);
  });

  it('one register of a multi-register point: the point is re-read from all its registers', async () => {
    const { emulator, client } = await serve();
    await client.writeRegister(101, 0x0000); // 0x47F1 0x0000
    const b = Buffer.from([0x47, 0xf1, 0x00, 0x00]);
    expect(emulator.read('h_f32_ABCD')).toBe(b.readFloatBE(0));
  });

  it('a bit field word written by the client, read by bit', async () => {
    const { emulator, client } = await serve();
    await client.writeRegister(3, 0x0508);
    expect(emulator.read('h_bf16')).toBe(0x0508);
    expect(emulator.read('h_bf16.ready')).toBe(false);
    expect(emulator.read('h_bf16.fault')).toBe(true);
    expect(emulator.read('h_bf16.mode')).toBe(5);
  });

  it('a coil written by the client', async () => {
    const { emulator, client } = await serve();
    await client.writeCoil(1, true);
    expect(emulator.read('coilOff')).toBe(true);
    expect((await client.readCoils(0, 3)).data.slice(0, 3)).toEqual([true, true, true]);
  });

  it.each([
    ['above max (10.1)', 101],
    ['below min (-10.1)', 0x10000 - 101],
  ])('a write %s gets exception 03 and changes nothing', async (_what, raw) => {
    const { emulator, client } = await serve();
    await expect(client.writeRegister(8, raw)).rejects.toMatchObject({ modbusCode: 3 });
    await expect(client.writeRegisters(8, [raw])).rejects.toMatchObject({ modbusCode: 3 });
    expect(emulator.read('h_limited')).toBe(5.5);
    expect(await readWords(client, 'holding', 8, 1)).toEqual([55]);
  });

  it('the bounds themselves are accepted', async () => {
    const { emulator, client } = await serve();
    await client.writeRegister(8, 100);
    expect(emulator.read('h_limited')).toBe(10);
    await client.writeRegister(8, 0x10000 - 100);
    expect(emulator.read('h_limited')).toBe(-10);
  });

  it('a bool in a register accepts 0 and 1 only (03 otherwise)', async () => {
    const { emulator, client } = await serve();
    await expect(client.writeRegister(10, 2)).rejects.toMatchObject({ modbusCode: 3 });
    expect(emulator.read('h_bool')).toBe(true);
    await client.writeRegister(10, 0);
    expect(emulator.read('h_bool')).toBe(false);
  });

  it('a write to a read-only point gets exception 02 and changes nothing', async () => {
    const { emulator, client } = await serve();
    await expect(client.writeRegister(9, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.writeCoil(2, false)).rejects.toMatchObject({ modbusCode: 2 });
    expect(emulator.read('h_readOnly')).toBe(777);
    expect(emulator.read('coilReadOnly')).toBe(true);
  });

  it('all or nothing: a write spanning a writable and a read-only point changes neither', async () => {
    const { emulator, client } = await serve();
    await expect(client.writeRegisters(8, [10, 1])).rejects.toMatchObject({ modbusCode: 2 });
    expect(emulator.read('h_limited')).toBe(5.5);
    expect(emulator.read('h_readOnly')).toBe(777);
    expect(await readWords(client, 'holding', 8, 2)).toEqual([55, 777]);
  });
});

function hex(word: number): string {
  return `0x${word.toString(16).toUpperCase().padStart(4, '0')}`;
}

function toInt16(word: number): number {
  return word >= 0x8000 ? word - 0x10000 : word;
}

