import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModbusError } from '../../src/device/errors.js';
import type { DeviceEvent } from '../../src/model/events.js';
import type { CompiledProfile } from '../../src/model/types.js';
import { testEnv } from '../helpers/env.js';
import { device } from '../generators/helpers.js';

/**
 * What reactions, write rules and state machines do (docs/commands.md), on a manual clock:
 * client writes through the data source (FC 6/16's path), API writes through the unit.
 */
const write = (d: CompiledProfile, address: number, ...words: number[]) => d.units[0]!.dataSource.writeHoldingRegisters!(1, address, Uint16Array.from(words));
const read = (d: CompiledProfile, name: string) => d.units[0]!.read(name);
const refusal = (fn: () => unknown): number | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof ModbusError) return error.code;
    throw error;
  }
};

describe('reactions to writes', () => {
  const METER = `
    version: 1
    points:
      energy: { type: uint32, address: 0, value: 1234 }
      writes: { type: uint16, address: 2 }
      resetCommand:
        type: uint16
        address: 3
        reactions:
          - { set: { writes: "writes + 1" } }
          - { when: "value == 1", set: { energy: 0, resetCommand: 0 } }
      setpoint:
        type: int16
        address: 4
        value: 20
        reactions: [{ set: { lastSetpoint: previous, delta: "value - previous" } }]
      lastSetpoint: { type: int16, address: 5 }
      delta: { type: int16, address: 6 }
  `;

  it("a command word is obeyed and clears itself; another value only counts; value and previous are the write's", async () => {
    const { device: d } = await device(METER);
    write(d, 3, 7);
    expect([read(d, 'energy'), read(d, 'writes'), read(d, 'resetCommand')]).toEqual([1234, 1, 7]);
    write(d, 3, 1);
    expect([read(d, 'energy'), read(d, 'writes'), read(d, 'resetCommand')]).toEqual([0, 2, 0]);
    write(d, 4, 25);
    expect([read(d, 'lastSetpoint'), read(d, 'delta')]).toEqual([20, 5]);
  });

  it('a bit field\'s bits set by a reaction: rounded, clamped to the field\'s width, NaN keeps them; the other bits stay', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        cmd:
          type: uint16
          address: 0
          reactions: [{ set: { status.mode: "value == 7 ? sqrt(-1) : (value - 20) / 4", status.flag: "value > 25" } }]
        status: { type: bitfield16, address: 1, bits: { flag: 0, mode: { bit: 2, width: 3 }, other: 5 }, value: 0x20 }
    `);
    const after = (value: number) => (write(d, 0, value), read(d, 'status'));
    expect([30, 20, 26, 7, 0, 60, 48].map(after)).toEqual([
      0x20 | (3 << 2) | 1, // 2.5 rounds to 3
      0x20,
      0x20 | (2 << 2) | 1, // 1.5 rounds to 2
      0x20 | (2 << 2), // NaN: the mode stays 2
      0x20, // -5: 0
      0x20 | (7 << 2) | 1, // 10: the largest of 3 bits
      0x20 | (7 << 2) | 1,
    ]);
  });

  it('each set sees the ones before it, through generated points too; a scale factor point is stored by its factor', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        a: { type: uint16, address: 0 }
        twice: { type: uint16, address: 1, generate: "a * 2" }
        sf: { type: int16, address: 2, value: -2 }
        power: { type: uint16, address: 3, scaleFactor: sf }
        seen: { type: uint16, address: 4 }
        before: { type: uint16, address: 6 }
        cmd: { type: uint16, address: 5, reactions: [{ set: { before: twice, a: value, seen: twice, power: "value / 8" } }] }
    `);
    write(d, 5, 21);
    expect([read(d, 'before'), read(d, 'seen'), read(d, 'power')]).toEqual([0, 42, 2.63]);
    expect(d.units[0]!.readTable('holding', 3, 1)).toEqual([263]);
  });

  it('a reaction runs once per point written, for the points written only; previous is each point\'s own; t is the write\'s time', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        total: { type: uint32, address: 0, reactions: [{ set: { count: "count + 1", last: previous, stamp: "t * 10" } }] }
        next: { type: uint16, address: 2, reactions: [{ set: { other: "other + 1" } }] }
        count: { type: uint16, address: 3 }
        last: { type: uint32, address: 4 }
        stamp: { type: uint16, address: 6 }
        other: { type: uint16, address: 7 }
      writeRules:
        - { name: locked, points: [next], allow: "other == 99" }
    `);
    clock.set(2500);
    expect(refusal(() => write(d, 0, 0, 7))).toBeUndefined(); // the rule on the next point is not touched
    expect([read(d, 'count'), read(d, 'last'), read(d, 'stamp'), read(d, 'other')]).toEqual([1, 0, 25, 0]);
    expect(refusal(() => write(d, 3, 5))).toBeUndefined(); // no reaction there
    write(d, 0, 0, 9);
    expect([read(d, 'count'), read(d, 'last'), read(d, 'other')]).toEqual([6, 7, 0]);
  });

  it('API writes trigger reactions as client writes do', async () => {
    const { device: d } = await device(METER);
    d.units[0]!.write('resetCommand', 1);
    expect([read(d, 'energy'), read(d, 'writes'), read(d, 'resetCommand')]).toEqual([0, 1, 0]);
    d.units[0]!.writeTable('holding', 3, [1]);
    expect(read(d, 'writes')).toBe(2);
  });

  it('a multi-register write stores every word first, then runs the reactions in address order', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        log: { type: uint32, address: 9 }
        b: { type: uint16, address: 1, reactions: [{ set: { log: "log * 10 + 2" } }] }
        a: { type: uint16, address: 0, reactions: [{ set: { log: "log * 10 + 1 + b * 0" , seen: b } }] }
        seen: { type: uint16, address: 8 }
    `);
    write(d, 0, 5, 6);
    expect(read(d, 'log')).toBe(12); // a before b, whatever the declared order
    expect(read(d, 'seen')).toBe(6); // a's reaction already sees b's new word
  });

  it('a write over a reacting point and then plain registers runs the one reaction and stores every word', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        command: { type: uint16, address: 0, reactions: [{ set: { count: "count + 1" } }] }
        plain: { type: uint16, address: 1 }
        other: { type: uint16, address: 2 }
        count: { type: uint16, address: 9 }
    `);
    expect(refusal(() => write(d, 0, 7, 8, 9))).toBeUndefined();
    expect([read(d, 'command'), read(d, 'plain'), read(d, 'other'), read(d, 'count')]).toEqual([7, 8, 9, 1]);
  });
});

describe('write rules', () => {
  const LIMITS = `
    version: 1
    points:
      low: { type: uint16, address: 0, value: 10 }
      high: { type: uint16, address: 1, value: 50 }
      mode: { type: uint16, address: 2, value: 0 }
      setpoint: { type: uint16, address: 3, value: 5, reactions: [{ set: { count: "count + 1" } }] }
      count: { type: uint16, address: 4 }
    writeRules:
      - { name: order, allow: "low <= high" }
      - { name: manual only, points: [setpoint], allow: "mode == 1", exception: 6 }
  `;

  it("checks the values after the whole request; a refusal changes nothing and answers the rule's code", async () => {
    const { device: d } = await device(LIMITS);
    expect(refusal(() => write(d, 0, 60))).toBe(3);
    expect(refusal(() => write(d, 0, 60, 70))).toBeUndefined(); // together they keep the order
    expect([read(d, 'low'), read(d, 'high')]).toEqual([60, 70]);
    expect(refusal(() => write(d, 1, 0, 1, 9))).toBe(3); // high 0 < low 60: mode and setpoint stay too
    expect([read(d, 'high'), read(d, 'mode'), read(d, 'setpoint'), read(d, 'count')]).toEqual([70, 0, 5, 0]);
    expect(refusal(() => write(d, 3, 9))).toBe(6);
    expect([read(d, 'setpoint'), read(d, 'count')]).toEqual([5, 0]); // refused: no reaction ran
    expect(refusal(() => write(d, 2, 1, 9))).toBeUndefined(); // mode 1 in the same request allows it
    expect([read(d, 'setpoint'), read(d, 'count')]).toEqual([9, 1]);
  });

  it('a rule on a coil is not touched by a write to the holding register at the same address', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        run: { type: bool, address: 0 }
        speed: { type: uint16, address: 0, reactions: [{ set: { count: "count + 1" } }] }
        count: { type: uint16, address: 9 }
      writeRules:
        - { name: stopped, points: [run], allow: "!run" }
    `);
    d.units[0]!.write('run', true); // code writes are not checked: the rule is now false
    expect(refusal(() => write(d, 0, 1500))).toBeUndefined();
    expect([read(d, 'speed'), read(d, 'count')]).toEqual([1500, 1]);
    expect(refusal(() => d.units[0]!.dataSource.writeCoils!(1, 0, Uint8Array.of(1)))).toBe(3);
  });

  it('API writes are not checked (as min/max are not)', async () => {
    const { device: d } = await device(LIMITS);
    d.units[0]!.write('low', 99);
    expect(read(d, 'low')).toBe(99);
  });

  it('-v names the refusing rule', async () => {
    const lines: string[] = [];
    const env = { ...testEnv(), logger: { log: (_level: string, message: string) => lines.push(message) } };
    const { device: d } = await device(LIMITS, env);
    refusal(() => write(d, 3, 9));
    expect(lines).toContain('test: write of 1 at 3 refused by write rule "manual only" (exception 0x06)');
  });
});

describe('state machines', () => {
  const BREAKER = `
    version: 1
    points:
      command: { type: uint16, address: 0 }
      current: { type: uint16, address: 1 }
      state: { type: uint16, address: 2, generate: breaker }
      closedBit: { type: uint16, address: 3, generate: breaker.closed }
      trips: { type: uint16, address: 4 }
    machines:
      breaker:
        initial: open
        every: 0.01
        states:
          open: {}
          closing: {}
          closed: {}
          tripped: { value: 9, onEntry: { trips: "trips + 1" } }
        transitions:
          - { from: open, to: closing, write: command, when: "value == 1" }
          - { from: closing, to: closed, after: 0.08 }
          - { from: closed, to: open, write: command, when: "value == 2" }
          - { from: closed, to: tripped, when: "current > 100" }
          - { from: tripped, to: open, write: command, when: "value == 3" }
  `;
  const events = (d: CompiledProfile): DeviceEvent[] => {
    const out: DeviceEvent[] = [];
    d.events.listen((e) => out.push(e));
    return out;
  };

  it('a write-triggered transition at the write, an after exactly on time, a condition on its step; the state reads as a point', async () => {
    const { device: d, clock } = await device(BREAKER);
    const log = events(d);
    clock.set(13);
    write(d, 0, 1);
    expect([read(d, 'state'), read(d, 'closedBit')]).toEqual([1, 0]);
    clock.set(92);
    expect(read(d, 'state')).toBe(1);
    clock.set(93); // 80 ms after the write
    expect([read(d, 'state'), read(d, 'closedBit')]).toEqual([2, 1]);
    d.units[0]!.write('current', 150);
    clock.set(1000);
    expect([read(d, 'state'), read(d, 'trips')]).toEqual([9, 1]);
    expect(log.map((e) => [e.time, e.data.from, e.data.to, e.data.cause])).toEqual([
      [13, 'open', 'closing', 'write'],
      [93, 'closing', 'closed', 'after'],
      [100, 'closed', 'tripped', 'condition'], // the first 10 ms step after the current rose at 93
    ]);
    expect(d.units[0]!.machines()).toEqual([{ name: 'breaker', state: 'tripped', value: 9, since: 100, states: ['open', 'closing', 'closed', 'tripped'] }]);
  });

  it('conditions fire on a rising edge only: one already true when the state is entered does not fire', async () => {
    const { device: d, clock } = await device(BREAKER);
    const log = events(d);
    d.units[0]!.write('current', 150);
    clock.set(100); // sampled true on the steps while open
    d.units[0]!.forceState('breaker', 'closed');
    clock.set(500);
    expect(read(d, 'state')).toBe(2); // no edge since: it stays closed
    d.units[0]!.write('current', 0);
    clock.set(600);
    d.units[0]!.write('current', 150);
    clock.set(700);
    expect(read(d, 'state')).toBe(9);
    expect(log.map((e) => e.data.cause)).toEqual(['force', 'condition']);
  });

  it('a plain point an entry action sets reads the same whether or not anything steps the machine first', async () => {
    const { device: d, clock } = await device(`
      version: 1
      inputRegisters: sameAsHolding
      points:
        command: { type: uint16, address: 0 }
        lamp: { type: uint16, address: 1, access: readOnly }
      machines:
        timer:
          initial: idle
          states: { idle: {}, running: { onEntry: { lamp: 1 } }, done: { onEntry: { lamp: 2 } } }
          transitions:
            - { from: idle, to: running, write: command }
            - { from: running, to: done, after: 2 }
    `);
    write(d, 0, 1);
    clock.set(2000);
    // Plain reads (FC 3 and, through the same storage, FC 4): nothing else has moved the clock's machines.
    expect(Array.from(d.units[0]!.dataSource.readInputRegisters!(1, 1, 1) as Uint16Array)).toEqual([2]);
    expect(Array.from(d.units[0]!.dataSource.readHoldingRegisters!(1, 0, 2) as Uint16Array)).toEqual([1, 2]);
  });

  it('a transition runs the old state\'s exit actions, then the new one\'s entry actions, which see the new state', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        cmd: { type: uint16, address: 0 }
        log: { type: uint32, address: 1 }
        seen: { type: uint16, address: 3 }
      machines:
        m:
          initial: a
          states:
            a: { onExit: { log: "log * 10 + 1" } }
            b: { value: 5, onEntry: { log: "log * 10 + 2", seen: m } }
          transitions: [{ from: a, to: b, write: cmd }]
    `);
    write(d, 0, 1);
    expect([read(d, 'log'), read(d, 'seen')]).toEqual([12, 5]);
  });

  it('an after with a condition fires exactly on time if the condition holds then, and never later', async () => {
    const yaml = (ok: number) => `
      version: 1
      points:
        cmd: { type: uint16, address: 0 }
        ok: { type: uint16, address: 1, value: ${ok} }
        state: { type: uint16, address: 2, generate: m }
      machines:
        m:
          initial: idle
          states: { idle: {}, armed: {}, fired: {} }
          transitions:
            - { from: idle, to: armed, write: cmd }
            - { from: armed, to: fired, after: 1, when: "ok == 1" }
    `;
    const held = await device(yaml(1));
    held.clock.set(500);
    write(held.device, 0, 1);
    held.clock.set(1499);
    expect(read(held.device, 'state')).toBe(1);
    held.clock.set(1500);
    expect(read(held.device, 'state')).toBe(2);
    expect(held.device.units[0]!.machines()[0]!.since).toBe(1500);
    const missed = await device(yaml(0));
    write(missed.device, 0, 1);
    missed.clock.set(1500);
    missed.device.units[0]!.write('ok', 1);
    missed.clock.set(10_000);
    expect(read(missed.device, 'state')).toBe(1);
  });

  it('forcing names what is unknown: the machines a unit has, the states a machine has', async () => {
    const { device: d } = await device(BREAKER);
    expect(() => d.units[0]!.forceState('braker', 'open')).toThrow('test has no state machine braker (machines: breaker)');
    expect(() => d.units[0]!.forceState('breaker', 'shut')).toThrow('breaker has no state shut (states: open, closing, closed, tripped)');
    const plain = await device('version: 1\npoints:\n  x: { type: uint16, address: 0, generate: "t" }\n');
    expect(() => plain.device.units[0]!.forceState('breaker', 'open')).toThrow(/^test has no state machine breaker$/);
  });

  it('a forced transition says so: cause force, no trigger', async () => {
    const lines: string[] = [];
    const env = { ...testEnv(), logger: { log: (level: string, message: string) => lines.push(`${level}: ${message}`) } };
    const { device: d } = await device(BREAKER, env);
    const log = events(d);
    d.units[0]!.forceState('breaker', 'closed');
    expect(lines).toEqual(['debug: test: breaker: open → closed (forced)']);
    expect(log.map((e) => e.data)).toEqual([{ from: 'open', to: 'closed', cause: 'force' }]);
  });

  it('at the same instant generators step first, then machines sample what they hold', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        g: { type: uint16, address: 0, generate: "prev + 1" }
      machines:
        m:
          initial: low
          every: 1
          states: { low: {}, high: {} }
          transitions: [{ from: low, to: high, when: "g >= 1" }]
    `);
    clock.set(1000);
    expect(d.units[0]!.machines()[0]).toMatchObject({ state: 'high', since: 1000 });
  });

  it('a machine stepping between two generator steps does not make a time-driven point read at the later step keep its earlier value', async () => {
    // acc adds s at each of its steps: s is 1, 2, 3 at 100, 200, 300 ms; the machine samples its
    // condition (never true) at the same instants, after acc, as documented.
    const { device: d, clock } = await device(`
      version: 1
      points:
        x: { type: uint16, address: 0, value: 0 }
        s: { type: float64, address: 1, generate: "t * 10" }
        acc: { type: float64, address: 5, generate: { expression: "prev + s", every: 0.1 } }
      machines:
        m:
          initial: idle
          every: 0.1
          states: { idle: {}, on: {} }
          transitions: [{ from: idle, to: on, when: "x == 1" }]
    `);
    clock.set(300);
    expect(read(d, 'acc')).toBeCloseTo(6, 9);
  });

  it('a point that reads only static points still steps on while a machine can change them between writes', async () => {
    const yaml = `
      version: 1
      points:
        setpoint: { type: uint16, address: 0, value: 0 }
        level: { type: float64, address: 1, generate: "lag(setpoint, 1)" }
      machines:
        m:
          initial: idle
          states: { idle: {}, on: { onEntry: { setpoint: 100 } } }
          transitions: [{ from: idle, to: on, after: 50 }]
    `;
    const once = await device(yaml);
    const stepwise = await device(yaml);
    for (let ms = 1000; ms <= 100_000; ms += 1000) stepwise.clock.set(ms), read(stepwise.device, 'level');
    once.clock.set(100_000);
    expect(read(once.device, 'level')).toBe(read(stepwise.device, 'level'));
    expect(read(once.device, 'level')).toBeGreaterThan(99);
  });

  it('a transition without from leaves every state but its own: a second write does not enter it again', async () => {
    const { device: d } = await device(`
      version: 1
      points:
        go: { type: uint16, address: 0 }
        entries: { type: uint16, address: 1 }
      machines:
        m:
          initial: a
          states: { a: {}, b: { onEntry: { entries: "entries + 1" } } }
          transitions: [{ to: b, write: go }]
    `);
    write(d, 0, 1);
    write(d, 0, 1);
    expect(read(d, 'entries')).toBe(1);
  });

  it('of two afters out of a state, the earlier fires', async () => {
    const { device: d, clock } = await device(`
      version: 1
      points:
        go: { type: uint16, address: 0 }
        state: { type: uint16, address: 1, generate: m }
      machines:
        m:
          initial: idle
          states: { idle: {}, x: {}, y: {} }
          transitions:
            - { from: idle, to: x, after: 1 }
            - { from: idle, to: y, after: 2 }
            - { to: idle, write: go }
    `);
    clock.set(1000);
    expect(read(d, 'state')).toBe(1);
    clock.set(3000);
    expect(read(d, 'state')).toBe(1);
  });

  it('after a long jump of the clock a machine takes only its last 10,000 steps: an edge before them is seen at the first of them', async () => {
    const yaml = `
      version: 1
      points:
        state: { type: uint16, address: 0, generate: m }
      machines:
        m:
          initial: low
          every: 0.001
          states: { low: {}, high: {} }
          transitions: [{ from: low, to: high, when: "t > 1" }]
    `;
    const read2 = await device(yaml);
    read2.clock.set(2000);
    expect(read(read2.device, 'state')).toBe(1);
    expect(read2.device.units[0]!.machines()[0]!.since).toBe(1001);
    const jump = await device(yaml);
    jump.clock.set(100_000);
    expect(read(jump.device, 'state')).toBe(1);
    expect(jump.device.units[0]!.machines()[0]!.since).toBe(90_001);
  });

  it('read often over more than 10,000 steps, a machine takes each step once: one entry per rising edge of a time-driven point', async () => {
    // pulse is 1 on odd seconds: the machine, sampling each second, enters `on` at 1, 3, ... 19,999 s.
    const { device: d, clock } = await device(`
      version: 1
      points:
        pulse: { type: uint16, address: 0, generate: "floor(t) % 2" }
        entries: { type: uint32, address: 1 }
      machines:
        m:
          initial: off
          every: 1
          states: { off: {}, on: { onEntry: { entries: "entries + 1" } } }
          transitions:
            - { from: off, to: on, when: "pulse == 1" }
            - { from: on, to: off, when: "pulse == 0" }
    `);
    for (let s = 1000; s <= 20_000; s += 1000) clock.set(s * 1000), read(d, 'entries');
    expect(read(d, 'entries')).toBe(10_000);
  });

  it('-v logs each transition', async () => {
    const lines: string[] = [];
    const env = { ...testEnv(), logger: { log: (level: string, message: string) => lines.push(`${level}: ${message}`) } };
    const { device: d, clock } = await device(BREAKER, env);
    write(d, 0, 1);
    clock.set(80);
    read(d, 'state');
    expect(lines).toEqual(['debug: test: breaker: open → closing (write command when value == 1)', 'debug: test: breaker: closing → closed (after 0.08 s)']);
  });

  it('in a gateway each unit id has its own machine, and its events carry its unit id', async () => {
    const { device: d } = await device(`
      version: 1
      templates:
        valve:
          points:
            command: { type: uint16, address: 0 }
            state: { type: uint16, address: 1, generate: valve }
          machines:
            valve:
              initial: closed
              states: { closed: {}, open: {} }
              transitions: [{ from: closed, to: open, write: command, when: "value == 1" }]
      units:
        - { unitId: [1, 2], use: valve }
    `);
    const log = events(d);
    d.unit(2)!.dataSource.writeHoldingRegisters!(2, 0, Uint16Array.of(1));
    expect([d.unit(1)!.read('state'), d.unit(2)!.read('state')]).toEqual([0, 1]);
    expect(log.map((e) => [e.unit, e.unitId, e.data.to])).toEqual([['valve-2', 2, 'open']]);
  });

  it('reset() returns a machine to its initial state without running actions', async () => {
    const { device: d } = await device(BREAKER);
    d.units[0]!.forceState('breaker', 'tripped');
    expect(read(d, 'trips')).toBe(1);
    d.reset();
    expect([read(d, 'state'), read(d, 'trips')]).toEqual([0, 0]);
  });

  it('transitions happen at the same emulator times however often, or seldom, the device is read (seeded, replayable)', async () => {
    const NOISY = `
      version: 1
      points:
        level: { type: uint16, address: 0, generate: { expression: "slew(target, 40)", every: 0.05 } }
        target: { type: uint16, address: 1, value: 0 }
        alarm: { type: uint16, address: 2, generate: tank }
      machines:
        tank:
          initial: normal
          every: 0.02
          states: { normal: {}, high: {}, flushing: {} }
          transitions:
            - { from: normal, to: high, when: "level + random(0, 3) > 50" }
            - { from: high, to: flushing, after: 0.37 }
            - { from: flushing, to: normal, when: "level < 20" }
    `;
    const run = async (writes: readonly (readonly [number, number])[], readEvery: number | undefined): Promise<unknown[]> => {
      const { device: d, clock } = await device(NOISY);
      const log = events(d);
      let now = 0;
      for (const [at, target] of writes) {
        if (readEvery) for (; now + readEvery < at; now += readEvery) clock.set(now + readEvery), read(d, 'level');
        clock.set((now = at));
        write(d, 1, target);
      }
      clock.set(now + 5_000);
      read(d, 'alarm');
      return log.map((e) => [e.time, e.data.to]);
    };
    const example = await run([[100, 100], [3000, 0]], 7);
    expect(example.map((e) => (e as unknown[])[1])).toEqual(['high', 'flushing', 'normal']);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 100 })), { maxLength: 6 }), fc.integer({ min: 1, max: 97 }), async (raw, every) => {
        let t = 0;
        const writes = raw.map(([dt, v]) => [(t += dt), v] as const);
        expect(await run(writes, every)).toEqual(await run(writes, undefined));
      }),
      { numRuns: 10, seed: 42 },
    );
  });
});
