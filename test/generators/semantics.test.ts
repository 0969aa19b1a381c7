import { describe, expect, it } from 'vitest';
import { POINT_STEP_BUDGET, REQUEST_STEP_BUDGET } from '../../src/generators/engine.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { seededRandom } from '../../src/runtime/random.js';
import { createLogger } from '../../src/log.js';
import { pdu, registers, send, status } from '../compiler/helpers.js';
import { testEnv } from '../helpers/env.js';
import { device } from './helpers.js';

const read = (d: CompiledProfile, name: string) => d.units[0]!.read(name);
/** A test environment whose warnings are kept, one line each. */
const warnings = () => {
  const lines: string[] = [];
  return { lines, env: testEnv({ logger: createLogger((l) => lines.push(l), 'warn') }) };
};

describe('stateless: a pure function of emulator time, evaluated at the request\'s time', () => {
  it('t is the emulator clock in seconds; waveforms follow it on every read', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        time: { type: float64, address: 0, generate: t }
        wave: { type: float64, address: 4, generate: "10 * sine(60)" }
    `);
    clock.set(1234);
    expect(read(d, 'time')).toBe(1.234);
    clock.set(15_000);
    expect(read(d, 'wave')).toBe(10);
    expect(registers(send(d, pdu.read(3, 0, 4)))).toEqual([0x402e, 0, 0, 0]); // 15.0 as float64
  });

  it('a 125-register read sees one instant: the clock is read once per request', async () => {
    // Each point is t in ms; a clock that moves 1 ms whenever it is read would split a request otherwise.
    const points = Array.from({ length: 62 }, (_, i) => `  p${i}: { type: uint32, address: ${2 * i}, generate: "t * 1000 + p${i + 1 < 62 ? i + 1 : 0} * 0" }`);
    points[61] = '  p61: { type: uint32, address: 122, generate: "t * 1000" }';
    let now = 5000;
    const env = { ...testEnv(), clock: { now: () => now++ } };
    const { device: d } = await device(`version: 1\npoints:\n${points.join('\n').replace(/p(\d+) \* 0"/g, (m, n: string) => (n === '0' ? '0"' : m))}\n  pad: { type: uint16, address: 124 }`, env);
    const words = registers(send(d, pdu.read(3, 0, 125))) as number[];
    const values = Array.from({ length: 62 }, (_, i) => words[2 * i]! * 0x10000 + words[2 * i + 1]!);
    expect(new Set(values).size).toBe(1);
  });
});

describe('stateless values are kept within one millisecond, unless something was written', () => {
  it('a write is seen by the next read at the same emulator time', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        speed: { type: uint16, address: 0, value: 10 }
        flow: { type: uint16, address: 1, generate: "speed * 2 + t" }
    `);
    clock.set(3000.4);
    expect(registers(send(d, pdu.read(3, 0, 2)))).toEqual([10, 23]);
    expect(status(send(d, pdu.writeRegister(0, 20)))).toBe('ok');
    expect(registers(send(d, pdu.read(3, 0, 2)))).toEqual([20, 43]);
    d.units[0]!.writeTable('holding', 0, [30]);
    expect(read(d, 'flow')).toBe(63);
    clock.set(3000.9); // the same millisecond: t is 3 s
    expect(read(d, 'flow')).toBe(63);
    clock.set(4000);
    expect(read(d, 'flow')).toBe(64);
  });
});

describe('stateful: advances on steps of `every`, whatever the reads', () => {
  const PROFILE = `
    version: 1
    points:
      target: { type: float64, address: 0, value: 100 }
      lagged: { type: float64, address: 4, generate: "lag(target, 10)" }
      slewed: { type: float64, address: 8, generate: "slew(target, 2)" }
      sum: { type: float64, address: 12, generate: "integrate(3)" }
      edges: { type: uint16, address: 16, generate: "count(square(4))" }
      counter: { type: float64, address: 17, value: 7, generate: { expression: "prev + dt", every: 0.5 } }
      wander: { type: float64, address: 21, generate: "walk(1, -2, 2) + lag(target, 5) * 0 + noise(0.1)" }
      fired: { type: uint16, address: 25, generate: "count(target > 50)" }
  `;

  it('exact values at given times', async () => {
    const { device: d, clock } = await device(PROFILE);
    clock.set(10_000);
    expect(read(d, 'lagged')).toBeCloseTo(100 * (1 - Math.exp(-1)), 12); // exact for a held target
    expect(read(d, 'slewed')).toBe(20); // 2 per second
    expect(read(d, 'sum')).toBe(30);
    expect(read(d, 'counter')).toBe(17); // 7 + 20 steps of 0.5 s
    clock.set(20_000);
    expect(read(d, 'edges')).toBe(6); // rising edges at steps 1, 4, 8, 12, 16, 20
  });

  it('slew moves at most rate per second, whatever its step', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        fine: { type: float64, address: 0, generate: { expression: "slew(100, 2)", every: 0.5 } }
        coarse: { type: float64, address: 4, generate: { expression: "slew(100, 2)", every: 2 } }
    `);
    clock.set(5000);
    expect([read(d, 'fine'), read(d, 'coarse')]).toEqual([10, 8]); // 10 steps of 1; 2 steps of 4
  });

  it('walk takes gaussian steps of sigma, kept in lo..hi; noise draws have mean 0 and sd sigma (seed 1, 2,000 steps)', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        w: { type: float64, address: 0, generate: "walk(1, -2, 2)" }
        n: { type: float64, address: 4, generate: "noise(0.1)" }
    `);
    const w: number[] = [];
    const n: number[] = [];
    for (let s = 1; s <= 2000; s++) {
      clock.set(s * 1000);
      w.push(read(d, 'w') as number);
      n.push(read(d, 'n') as number);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
    // Kept in -2..2, and held at the bound (not reflected past it) when a step would leave.
    expect([Math.min(...w), Math.max(...w)]).toEqual([-2, 2]);
    const free = w.slice(1).map((x, i) => x - w[i]!).filter((_, i) => Math.abs(w[i]!) < 2 && Math.abs(w[i + 1]!) < 2);
    expect(free.length).toBeGreaterThan(500);
    expect(sd(free)).toBeGreaterThan(0.85);
    expect(sd(free)).toBeLessThan(1.15);
    // Standard error of the mean: 0.1 / sqrt(2000) ≈ 0.0022.
    expect(Math.abs(mean(n))).toBeLessThan(0.01);
    expect(sd(n)).toBeGreaterThan(0.09);
    expect(sd(n)).toBeLessThan(0.11);
  });

  it('the same seed and times give the same values whatever the number, order and interleaving of reads', async () => {
    const names = ['lagged', 'slewed', 'sum', 'edges', 'counter', 'wander'];
    const once = await device(PROFILE);
    const often = await device(PROFILE);
    for (let ms = 0; ms <= 30_000; ms += 250) {
      often.clock.set(ms);
      // several "clients", in changing order
      for (const name of ms % 500 === 0 ? names : [...names].reverse()) read(often.device, name);
      send(often.device, pdu.read(3, 0, 27));
    }
    once.clock.set(30_000);
    expect(names.map((n) => read(once.device, n))).toEqual(names.map((n) => read(often.device, n)));
  });

  it('a point whose steps read only its own state and static points stops catching up once settled, exactly', async () => {
    const names = ['lagged', 'slewed', 'fired'];
    const stepwise = await device(PROFILE);
    const settled = await device(PROFILE);
    const run = (d: typeof stepwise, ms: number, every: number) => {
      for (let t = d.clock.now() + every; t <= ms; t += every) {
        d.clock.set(t);
        read(d.device, 'lagged');
      }
      d.clock.set(ms);
      return names.map((n) => read(d.device, n));
    };
    expect(run(settled, 900_000, 900_000)).toEqual(run(stepwise, 900_000, 1000)); // settled long before
    expect(read(settled.device, 'lagged')).toBeCloseTo(100, 12);
    for (const d of [stepwise, settled]) d.device.units[0]!.write('target', 20);
    expect(run(settled, 1_800_000, 900_000)).toEqual(run(stepwise, 1_800_000, 1000));
    expect(read(settled.device, 'lagged')).toBeCloseTo(20, 12);
    expect(names.slice(1).map((n) => read(settled.device, n))).toEqual([20, 1]);
  });

  it.each<[string, string]>([
    ['t', 'lag(t > 100 ? 0 : 100, 1)'],
    ['t through a waveform', 'lag(100 * square(200), 1)'],
    ['t through an event', 'lag(100 - 100 * step(100), 1)'],
    ['a random draw', 'lag(random(0, 1) > 0.99 ? 100 : 0, 1)'],
    ['a generated point', 'lag(src, 1)'],
    ['a bit of a generated bit field', 'lag(bits.on * 100, 1)'],
    ['a generated point beside a static one', 'lag(src + fixed, 1)'],
  ])('a point whose steps read %s does not settle: read once or every second, the same values', async (_what, expression) => {
    const yaml = `
      version: 1
      points:
        src: { type: uint16, address: 0, generate: "t > 100 ? 0 : 100" }
        bits: { type: bitfield16, address: 1, bits: { on: 0 }, generate: "t > 100 ? 0 : 1" }
        p: { type: float64, address: 2, generate: "${expression}" }
        fixed: { type: uint16, address: 6, value: 0 }
    `;
    const once = await device(yaml);
    const stepwise = await device(yaml);
    for (let ms = 1000; ms <= 300_000; ms += 1000) {
      stepwise.clock.set(ms);
      read(stepwise.device, 'p');
    }
    once.clock.set(300_000);
    expect(read(once.device, 'p')).toBe(read(stepwise.device, 'p'));
  });

  it('a write reaches only the steps after it, however late the next read comes', async () => {
    const a = await device(PROFILE);
    const b = await device(PROFILE);
    a.clock.set(5000);
    b.clock.set(5000);
    read(a.device, 'slewed'); // a reads before the write, b does not
    a.device.units[0]!.write('target', 0);
    b.device.units[0]!.write('target', 0);
    a.clock.set(8000);
    b.clock.set(8000);
    expect(read(a.device, 'slewed')).toBe(4); // 10 up, then 3 s down at 2 per second
    expect(read(b.device, 'slewed')).toBe(4);
  });

  it(`catching up after a long idle time is bounded: at most ${POINT_STEP_BUDGET} steps, older ones are skipped`, async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        ms: { type: float64, address: 0, generate: { expression: "integrate(1000)", every: 0.001 } }
    `);
    clock.set(7 * 24 * 3600 * 1000); // a week of 1 ms steps
    expect(read(d, 'ms')).toBe(POINT_STEP_BUDGET);
  });

  it(`all points of a unit take at most ${REQUEST_STEP_BUDGET} steps per request together: each keeps the latest, from one instant on`, async () => {
    // Twelve points 10,000 steps behind each would make 120,000: each keeps its last 8,333.
    // (`t` keeps them from settling: see the next test.)
    const points = Array.from({ length: 12 }, (_, i) => `  p${i}: { type: float64, address: ${i * 4}, generate: { expression: "prev + 1 + 0 * t", every: 0.001 } }`);
    const { device: d, clock } = await device(`version: 1\npoints:\n${points.join('\n')}\n`);
    clock.set(1_000_000);
    expect(Array.from({ length: 12 }, (_, i) => read(d, `p${i}`))).toEqual(Array(12).fill(8333));
    // A read within the budgets takes every step due: nothing is skipped.
    clock.set(1_002_000);
    expect(Array.from({ length: 12 }, (_, i) => read(d, `p${i}`))).toEqual(Array(12).fill(10333));
  });

  it(`a point that never settles also takes at most ${POINT_STEP_BUDGET} steps: its oldest are skipped`, async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        ms: { type: float64, address: 0, generate: { expression: "integrate(1000) + 0 * t", every: 0.002 } }
    `);
    clock.set(7 * 24 * 3600 * 1000);
    expect(read(d, 'ms')).toBe(2 * POINT_STEP_BUDGET);
  });

  it(`the request budget is used to the last step when every point has steps to take (twenty points, every 2 ms)`, async () => {
    const points = Array.from({ length: 20 }, (_, i) => `  p${i}: { type: float64, address: ${i * 4}, generate: { expression: "prev + 1 + 0 * t", every: 0.002 } }`);
    const { device: d, clock } = await device(`version: 1\npoints:\n${points.join('\n')}\n`);
    clock.set(2_000_000);
    expect(Array.from({ length: 20 }, (_, i) => read(d, `p${i}`))).toEqual(Array(20).fill(REQUEST_STEP_BUDGET / 20));
    clock.set(2_000_002);
    expect(Array.from({ length: 20 }, (_, i) => read(d, `p${i}`))).toEqual(Array(20).fill(REQUEST_STEP_BUDGET / 20 + 1));
  });

  it('past the request budget the steps computed are the latest ones: twenty points every 2 ms that read t end at the time read', async () => {
    const points = Array.from({ length: 20 }, (_, i) => `  p${i}: { type: float64, address: ${i * 4}, generate: { expression: "prev * 0 + t", every: 0.002 } }`);
    const { device: d, clock } = await device(`version: 1\npoints:\n${points.join('\n')}\n`);
    clock.set(2_000_000);
    expect(Array.from({ length: 20 }, (_, i) => read(d, `p${i}`))).toEqual(Array(20).fill(2000));
  });

  it('points that do not settle yet, together past the request budget, hold over the steps left', async () => {
    // Eleven points 10,000 steps behind each, in time order: 100,000 steps, then each holds.
    const points = Array.from({ length: 11 }, (_, i) => `  p${i}: { type: float64, address: ${i * 4}, generate: { expression: "min(prev + 1, 50000)", every: 0.002 } }`);
    const { device: d, clock } = await device(`version: 1\npoints:\n${points.join('\n')}\n`);
    clock.set(2_000_000);
    const first = Array.from({ length: 11 }, (_, i) => read(d, `p${i}`) as number);
    expect(first.reduce((a, b) => a + b, 0)).toBe(REQUEST_STEP_BUDGET);
    clock.set(2_000_002);
    expect(Array.from({ length: 11 }, (_, i) => read(d, `p${i}`))).toEqual(first.map((v) => v + 1));
  });

  it('points that settle take their steps in time order up to the budget, then hold', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        count: { type: float64, address: 0, generate: { expression: "min(prev + 1, 50000)", every: 0.001 } }
    `);
    clock.set(1_000_000);
    expect(read(d, 'count')).toBe(POINT_STEP_BUDGET);
    clock.set(1_000_001);
    expect(read(d, 'count')).toBe(POINT_STEP_BUDGET + 1);
  });
});

describe('state and reads of generated points', () => {
  it('integrate, walk and count start from 0 whatever the point\'s value; lag, slew and prev from the value', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        sum: { type: float64, address: 0, value: 100, generate: "integrate(1)" }
        edges: { type: float64, address: 4, value: 100, generate: "count(1)" }
        lagged: { type: float64, address: 8, value: 100, generate: "lag(100, 10)" }
    `);
    clock.set(5000);
    expect([read(d, 'sum'), read(d, 'edges'), read(d, 'lagged')]).toEqual([5, 1, 100]);
  });

  it('a point whose state changes while its value does not is not settled: it goes on', async () => {
    const yaml = `
      version: 1
      points:
        late: { type: uint16, address: 0, generate: "integrate(1) > 3" }
    `;
    const once = await device(yaml);
    once.clock.set(10_000);
    expect(read(once.device, 'late')).toBe(1);
  });

  it('a reader of an overridden generated point reads what was written', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        src: { type: uint16, address: 0, generate: { expression: "t", onWrite: override } }
        plain: { type: uint16, address: 1, value: 4 }
        seen: { type: uint16, address: 2, generate: "src * 1" }
    `);
    clock.set(3000);
    expect(read(d, 'seen')).toBe(3);
    expect(status(send(d, pdu.writeRegisters(0, [77, 5, 1])))).toBe(3); // seen refuses: nothing changes
    expect(registers(send(d, pdu.read(3, 0, 3)))).toEqual([3, 4, 3]);
    expect(status(send(d, pdu.writeRegisters(0, [77, 5])))).toBe('ok'); // a generated and a plain point in one write
    clock.set(5000);
    expect(read(d, 'seen')).toBe(77);
    d.units[0]!.write('seen', 9);
    expect(status(send(d, pdu.writeRegisters(1, [8, 6])))).toBe(3); // still refused: an API override does not change onWrite
    expect(registers(send(d, pdu.read(3, 0, 3)))).toEqual([77, 5, 9]);
  });

  it('generated points of the input table, beside holding registers generated at the same addresses', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        h: { type: uint16, address: 0, generate: "t * 2" }
        i: { type: uint16, table: input, address: 0, generate: "t * 3" }
    `);
    clock.set(5000);
    expect(Array.from(d.units[0]!.dataSource.readInputRegisters!(1, 0, 1) as Uint16Array)).toEqual([15]);
    expect(Array.from(d.units[0]!.dataSource.readHoldingRegisters!(1, 0, 1) as Uint16Array)).toEqual([10]);
    const only = await device('version: 1\npoints:\n  i: { type: uint16, table: input, address: 0, generate: "t * 3" }\n');
    only.clock.set(2000);
    expect(Array.from(only.device.units[0]!.dataSource.readInputRegisters!(1, 0, 1) as Uint16Array)).toEqual([6]);
  });
});

describe('random values are a pure function of (seed, unit/point, step)', () => {
  const profile = (extra: string) => `
    version: 1
    points:
      ${extra}
      r: { type: float64, address: 0, generate: "random(0, 100)" }
  `;
  const series = async (yaml: string, seed: number) => {
    const { device: d, clock } = await device(yaml, testEnv({ seed }));
    return [0, 1500, 2000, 60_000].map((ms) => (clock.set(ms), read(d, 'r')));
  };

  it('the draw of r at t is at(seed, "<unit>/r#0", floor(t))', async () => {
    const values = await series(profile(''), 1);
    const r = seededRandom(1);
    expect(values).toEqual([0, 1, 2, 60].map((i) => 100 * r.at('test/r#0', i)));
  });

  it('the first read may be at any step: at 1.5 s it is the draw of step 1', async () => {
    const { device: d, clock } = await device(profile(''));
    clock.set(1500);
    expect(read(d, 'r')).toBe(100 * seededRandom(1).at('test/r#0', 1));
  });

  it('adding an unrelated point, random or not, leaves r\'s values unchanged', async () => {
    const base = await series(profile(''), 42);
    expect(await series(profile('other: { type: float64, address: 8, generate: "random(0, 1) + noise(1)" }'), 42)).toEqual(base);
    expect(await series(profile('plain: { type: uint16, address: 8, value: 3 }'), 42)).toEqual(base);
    expect(await series(profile(''), 43)).not.toEqual(base);
  });
});

describe('dependencies', () => {
  it('a loop through a stateful point is legal: it reads that point\'s last step (temperature ↔ fan)', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        temperature: { type: float64, address: 0, value: 20, generate: "lag(fan ? 20 : 60, 10)" }
        fan: { type: bool, address: 0, generate: "temperature > 40" }
    `);
    // Each step, fan reads temperature's previous step: the recurrence below, exactly.
    let x = 20;
    const expected: number[] = [];
    for (let k = 1; k <= 12; k++) expected.push((x = (x > 40 ? 20 : 60) + (x - (x > 40 ? 20 : 60)) * Math.exp(-0.1)));
    const got: number[] = [];
    for (let k = 1; k <= 12; k++) {
      clock.set(k * 1000);
      got.push(read(d, 'temperature') as number);
    }
    expect(got).toEqual(expected);
    expect(got[6]).toBeGreaterThan(40); // the fan starts at step 8, and the temperature then swings around 40
    expect(read(d, 'fan')).toBe(got[11]! > 40);
  });
});

describe('values that do not fit the point (docs/generators.md)', () => {
  it('NaN keeps the last value, out of range takes the end of the range, ±Infinity too; each point logs once', async () => {
    const { lines, env } = warnings();
    const { device: d, clock } = await device(`
      version: 1
      points:
        big: { type: int16, address: 0, scale: 0.1, generate: "t * 1000" }
        nan: { type: uint16, address: 1, value: 7, generate: "t > 1 ? sqrt(-1) : 9" }
        inf: { type: float32, address: 2, generate: "1 / (t - t)" }
        bits: { type: bitfield16, address: 4, bits: { a: 0 }, generate: "-5" }
        flag: { type: bool, address: 5, generate: "t - t + 0.5" }
        top: { type: uint32, address: 6, generate: "4294967295 + t - t" }
        bottom: { type: int32, address: 8, generate: "-2147483648 + t - t" }
        edge: { type: float32, address: 10, generate: "3.4028235e38 + t - t" }
    `, env);
    clock.set(1000);
    expect([read(d, 'big'), read(d, 'nan'), read(d, 'inf'), read(d, 'bits'), read(d, 'flag')]).toEqual([1000, 9, 3.4028235e38, 0, true]);
    expect([read(d, 'top'), read(d, 'bottom')]).toEqual([4294967295, -2147483648]); // the ends of the range fit: no warning
    expect(read(d, 'edge')).toBe(3.4028235e38); // above the largest float32, but it rounds to it: it fits
    clock.set(5000);
    for (let i = 0; i < 5; i++) send(d, pdu.read(3, 0, 6));
    expect([read(d, 'big'), read(d, 'nan')]).toEqual([3276.7, 9]);
    expect(lines.map((l) => l.split(':')[2]!.trim().split(' ')[0])).toEqual(['inf', 'bits', 'big', 'nan']);
    expect(lines[0]).toMatch(/^warn: test: inf = 1 \/ \(t - t\) at t = 1 s: Infinity does not fit float32: the end of its range is used \(logged once per point\)/);
    expect(lines[3]).toMatch(/^warn: test: nan = .* at t = 5 s: NaN keeps the last value \(logged once per point\)/);
    // reset() replays the device as after its start: the first misfit of a point is logged again.
    d.reset();
    clock.set(6000);
    read(d, 'inf');
    expect(lines.slice(4).map((l) => l.split(':')[2]!.trim().split(' ')[0])).toEqual(['inf']);
  });
});

describe('a generator\'s result is stored as any write of the same value would be (docs/profiles.md, Rounding)', () => {
  // [type, expression, value read back, registers]
  it.each<[string, string, unknown, number[]]>([
    ['type: int16', '-2.5', -3, [0xfffd]], // a tie goes away from zero
    ['type: uint16', '2.5', 3, [3]],
    ['type: uint16', '65535', 65535, [0xffff]],
    ['type: uint16', '65536', 65535, [0xffff]],
    ['type: uint16', '0', 0, [0]],
    ['type: uint16', '-1', 0, [0]],
    ['type: int16', '-32768', -32768, [0x8000]],
    ['type: int16', '-32769', -32768, [0x8000]],
    ['type: int16', '32767', 32767, [0x7fff]],
    ['type: int16', '32768', 32767, [0x7fff]],
    ['type: int16, scale: 0.1', '0.15', 0.2, [2]],
    ['type: int16, scale: 0.1', '-0.25', -0.3, [0xfffd]],
    ['type: int16, scale: 0.1', '-3276.9', -3276.8, [0x8000]],
    ['type: uint16, byteOrder: BADC', '0x0102', 0x0102, [0x0201]],
    ['type: uint16, byteOrder: BADC', '70000', 65535, [0xffff]],
    ['type: int16, byteOrder: DCBA', '-2.5', -3, [0xfdff]],
    ['type: bitfield16, bits: { a: 0 }', '5.4', 5, [5]],
    ['type: bitfield16, bits: { a: 0 }', '70000', 65535, [0xffff]],
    ['type: bitfield16, bits: { a: 0 }, byteOrder: BADC', '5.4', 5, [0x0500]],
    ['type: bitfield32, bits: { a: 0 }', '65538.4', 65538, [1, 2]],
    ['type: uint32', '4294967296', 4294967295, [0xffff, 0xffff]],
    ['type: int32', '-2.5', -3, [0xffff, 0xfffd]],
    ['type: float32', '0.1', 0.1, [0x3dcc, 0xcccd]], // the nearest float32, read back as its shortest decimal
    ['type: float32', '-1e39', -3.4028235e38, [0xff7f, 0xffff]],
    ['type: uint16, scaleFactor: sf', '12.345', 12.35, [1235]],
    ['type: uint16, scaleFactor: sf', '700', 655.35, [0xffff]],
    ['type: bool', '0.5', true, [1]], // a coil
    ['type: bool', '-1', true, [1]],
    ['type: bool', '0', false, [0]],
    ['type: bool, table: holding', '0.5', true, [1]],
    ['type: bool, table: holding', '0', false, [0]],
    ['type: bool, table: holding', '-1', true, [1]],
    ['type: bool, table: holding', '0.4', true, [1]],
  ])('%s: %s reads %s', async (type, expression, value, words) => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        sf: { type: int16, address: 0, value: -2 }
        p: { ${type}, address: 1, generate: "${expression}" }
    `);
    clock.set(1000);
    expect(read(d, 'p')).toBe(value);
    expect(d.units[0]!.readTable(/^type: bool$/.test(type) ? 'coils' : 'holding', 1, words.length)).toEqual(words);
  });

  it('a bit field holds whole bits: what reads it sees them', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        w: { type: bitfield16, address: 0, bits: { a: 0 }, generate: "5.4" }
        w32: { type: bitfield32, address: 1, bits: { a: 0 }, generate: "5.4" }
        seen: { type: float64, address: 3, generate: "w + w32" }
        scaled: { type: uint32, address: 7, scale: 0.1, generate: "5" }
        scaledSeen: { type: float64, address: 9, generate: "scaled" }
    `);
    clock.set(1000);
    expect(read(d, 'seen')).toBe(10);
    expect(read(d, 'scaledSeen')).toBe(5); // an engineering value, not the raw 50
  });
});

describe('values that do not fit the point, over time', () => {
  it('a misfit is logged once per point however many steps, FC 3 reads and API reads misfit after the first', async () => {
    const { lines, env } = warnings();
    const { device: d, clock } = await device(`
      version: 1
      points:
        big: { type: int16, address: 0, scale: 0.1, generate: "t * 1000" }
    `, env);
    for (let k = 6; k <= 10; k++) {
      clock.set(k * 1000);
      expect(registers(send(d, pdu.read(3, 0, 1)))).toEqual([0x7fff]);
    }
    for (let k = 11; k <= 13; k++) {
      clock.set(k * 1000);
      expect(read(d, 'big')).toBe(3276.7);
    }
    expect(lines).toEqual([expect.stringMatching(/^warn: test: big = t \* 1000 at t = 6 s: 6000 does not fit int16/)]);
  });
});

describe('client writes to a generated point', () => {
  const PROFILE = `
    version: 1
    points:
      refused: { type: uint16, address: 0, generate: "t" }
      taken: { type: uint16, address: 1, generate: { expression: "t", onWrite: override } }
      static: { type: uint16, address: 2, value: 5 }
  `;

  it('onWrite: refuse (default) answers 03 and changes nothing; override keeps the written value until reset', async () => {
    const { device: d, clock } = await device(PROFILE);
    clock.set(3000);
    expect(status(send(d, pdu.writeRegister(0, 77)))).toBe(3);
    expect(status(send(d, pdu.writeRegisters(0, [77, 77, 77])))).toBe(3);
    expect(registers(send(d, pdu.read(3, 0, 3)))).toEqual([3, 3, 5]);
    expect(status(send(d, pdu.writeRegister(1, 77)))).toBe('ok');
    clock.set(9000);
    expect(registers(send(d, pdu.read(3, 0, 3)))).toEqual([9, 77, 5]);
    d.reset();
    clock.set(11_000);
    expect(registers(send(d, pdu.read(3, 0, 3)))).toEqual([2, 2, 5]);
  });

  it('a read-only generated point under writeToReadOnly: ignore acknowledges a write, discards it and stays generated', async () => {
    const { device: d, clock } = await device(`
      version: 1
      writeToReadOnly: ignore
      points:
        ro: { type: uint16, address: 0, access: readOnly, generate: "t" }
    `);
    clock.set(3000);
    expect(status(send(d, pdu.writeRegister(0, 77)))).toBe('ok');
    expect(registers(send(d, pdu.read(3, 0, 1)))).toEqual([3]);
    clock.set(5000);
    expect(registers(send(d, pdu.read(3, 0, 1)))).toEqual([5]);
  });

  it('a write from code (API) overrides a generated point until reset', async () => {
    const { device: d, clock } = await device(PROFILE);
    d.units[0]!.write('refused', 40);
    clock.set(5000);
    expect(read(d, 'refused')).toBe(40);
  });
});

describe('reset()', () => {
  it('returns storage, generators and random streams to the start: the device replays as if just started', async () => {
    const yaml = `
      version: 1
      points:
        setting: { type: uint16, address: 0, value: 10 }
        level: { type: float64, address: 1, generate: "lag(setting, 5) + walk(1) + random(0, 1)" }
    `;
    const fresh = await device(yaml);
    fresh.clock.set(7000);
    const expected = read(fresh.device, 'level');

    const used = await device(yaml);
    used.clock.set(60_000);
    used.device.units[0]!.write('setting', 99);
    read(used.device, 'level');
    used.device.reset();
    expect(read(used.device, 'setting')).toBe(10);
    used.clock.set(67_000);
    expect(read(used.device, 'level')).toBe(expected);
  });
});

describe('state hand-over on reload', () => {
  const v1 = `
    version: 1
    points:
      kept: { type: float64, address: 0, generate: "integrate(1)" }
      changed: { type: float64, address: 4, generate: "integrate(1)" }
  `;

  it('an unchanged generator continues where it was; a changed one starts from its initial value at the reload', async () => {
    const env = testEnv();
    const clock = env.clock as ManualClock;
    const before = (await device(v1, env)).device;
    clock.set(30_000);
    expect([read(before, 'kept'), read(before, 'changed')]).toEqual([30, 30]);
    const after = (await device(v1.replace('changed: { type: float64, address: 4, generate: "integrate(1)"', 'changed: { type: float64, address: 4, generate: "integrate(2)"'), env)).device;
    after.takeOver(before);
    clock.set(40_000);
    expect([read(after, 'kept'), read(after, 'changed')]).toEqual([40, 20]);
  });

  it.each<[string, string]>([
    ['every', 'changed: { type: float64, address: 4, generate: { expression: "integrate(1)", every: 0.5 } }'],
    ['onWrite', 'changed: { type: float64, address: 4, generate: { expression: "integrate(1)", onWrite: override } }'],
    ['type', 'changed: { type: float32, address: 4, generate: "integrate(1)" }'],
    ['address', 'changed: { type: float64, address: 8, generate: "integrate(1)" }'],
    ['table', 'changed: { type: float64, table: input, address: 4, generate: "integrate(1)" }'],
  ])('a changed %s restarts the generator from its initial value at the reload', async (_what, declaration) => {
    const env = testEnv();
    const clock = env.clock as ManualClock;
    const before = (await device(v1, env)).device;
    clock.set(30_000);
    read(before, 'changed');
    const after = (await device(v1.replace(/changed: .*/, declaration), env)).device;
    after.takeOver(before);
    clock.set(40_000);
    expect([read(after, 'kept'), read(after, 'changed')]).toEqual([40, 10]);
  });

  it('a kept generator keeps its state: steps before the reload are not computed again with the inputs of now', async () => {
    const yaml = `
      version: 1
      points:
        rate: { type: uint16, address: 0, value: 1 }
        sum: { type: float64, address: 1, generate: "integrate(rate)" }
    `;
    const env = testEnv();
    const clock = env.clock as ManualClock;
    const before = (await device(yaml, env)).device;
    clock.set(30_000);
    read(before, 'sum');
    before.units[0]!.write('rate', 2);
    const after = (await device(yaml, env)).device;
    after.takeOver(before);
    after.units[0]!.write('rate', 2);
    clock.set(40_000);
    expect(read(after, 'sum')).toBe(50); // 30 s at 1, then 10 s at 2
  });

  it('time keeps its origin across a reload: after a reset, a changed generator starts at the reload', async () => {
    const env = testEnv();
    const clock = env.clock as ManualClock;
    const before = (await device(v1, env)).device;
    clock.set(10_000);
    before.reset();
    clock.set(30_000);
    const after = (await device(v1.replace('generate: "integrate(1)" }\n    ', 'generate: "integrate(1)" }\n    ').replace(/changed: .*/, 'changed: { type: float64, address: 4, generate: "integrate(2)" }'), env)).device;
    after.takeOver(before);
    clock.set(40_000);
    expect([read(after, 'kept'), read(after, 'changed')]).toEqual([30, 20]);
  });

  it('a generated point overridden by a write stays overridden across a reload that keeps it', async () => {
    const env = testEnv();
    const clock = env.clock as ManualClock;
    const before = (await device(v1, env)).device;
    clock.set(30_000);
    before.units[0]!.write('kept', 5);
    const after = (await device(v1, env)).device;
    after.takeOver(before);
    clock.set(40_000);
    expect([read(after, 'kept'), read(after, 'changed')]).toEqual([5, 40]);
  });
});
