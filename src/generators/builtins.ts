import { normalDraw } from '../chance.js';
import type { Frame, Site } from './frame.js';

type Arg = number | undefined;
/** Every builtin has this shape, so calls compile to closures without argument arrays. */
type Impl = (f: Frame, site: Site, a: Arg, b: Arg, c: Arg) => number;

export interface Builtin {
  readonly min: number;
  readonly max: number;
  /** Reads or writes state slots: makes the expression stateful (evaluated on steps). */
  readonly slots: number;
  /** Initial slot values; 'initial' is the point's initial value. */
  readonly init?: readonly (number | 'initial')[];
  /** Draws from the call site's random stream. */
  readonly random: boolean;
  /** Reads `t`. */
  readonly timed?: boolean;
  readonly impl: Impl;
}

const TAU = 2 * Math.PI;
const frac = (x: number): number => x - Math.floor(x);
const phase = (f: Frame, period: number): number => frac(f.t / period);

/** A standard normal draw of the frame's random source (chance.ts). */
const gaussian = (f: Frame, stream: string, index: number): number => normalDraw(f.random, stream, index);

const uniform = (f: Frame, stream: string, index: number): number => f.random.at(stream, index);

/**
 * The draw of call site `site` at the frame's step: a pure function of (seed, stream, step),
 * computed once per step and kept, since a stateless point is read many times within one.
 */
function drawn(f: Frame, site: number, draw: (f: Frame, stream: string, index: number) => number): number {
  if (f.drawnAt[site] !== f.index) {
    f.drawn[site] = draw(f, f.streams[site]!, f.index);
    f.drawnAt[site] = f.index;
  }
  return f.drawn[site]!;
}

const math1 = (fn: (x: number) => number): Builtin => ({ min: 1, max: 1, slots: 0, random: false, impl: (_f, _s, a) => fn(a!) });
const math = (min: number, max: number, impl: Impl): Builtin => ({ min, max, slots: 0, random: false, impl });
const timed = (min: number, max: number, impl: Impl): Builtin => ({ min, max, slots: 0, random: false, timed: true, impl });
const random = (min: number, max: number, impl: Impl): Builtin => ({ min, max, slots: 0, random: true, impl });

/**
 * The functions of the generator language (docs/generators.md). Arguments are numbers; booleans
 * are 1 and 0. Stateful functions keep their state in the frame's slots and advance once per step.
 */
export const BUILTINS: Readonly<Record<string, Builtin>> = {
  sin: math1(Math.sin),
  cos: math1(Math.cos),
  abs: math1(Math.abs),
  sqrt: math1(Math.sqrt),
  exp: math1(Math.exp),
  log: math1(Math.log),
  floor: math1(Math.floor),
  ceil: math1(Math.ceil),
  // round(x) to an integer, round(x, n) to n decimals
  round: math(1, 2, (_f, _s, x, n) => (n === undefined ? Math.round(x!) : Math.round(x! * 10 ** n) / 10 ** n)),
  pow: math(2, 2, (_f, _s, x, y) => x! ** y!),
  min: math(2, 3, (_f, _s, a, b, c) => (c === undefined ? Math.min(a!, b!) : Math.min(a!, b!, c))),
  max: math(2, 3, (_f, _s, a, b, c) => (c === undefined ? Math.max(a!, b!) : Math.max(a!, b!, c))),
  clamp: math(3, 3, (_f, _s, x, lo, hi) => Math.min(Math.max(x!, lo!), hi!)),

  // Waveforms of t with a period in seconds.
  sine: timed(1, 1, (f, _s, p) => Math.sin(TAU * phase(f, p!))),
  square: timed(1, 2, (f, _s, p, duty) => (phase(f, p!) < (duty ?? 0.5) ? 1 : 0)),
  triangle: timed(1, 1, (f, _s, p) => {
    const x = phase(f, p!);
    return x < 0.5 ? 2 * x : 2 - 2 * x;
  }),
  sawtooth: timed(1, 1, (f, _s, p) => phase(f, p!)),
  // Events at a time t0 (seconds): ramp 0→1 from t0 to t1, step to 1 at t0, pulse 1 for `width` (every `period`).
  ramp: timed(2, 2, (f, _s, t0, t1) => (f.t <= t0! ? 0 : f.t >= t1! ? 1 : (f.t - t0!) / (t1! - t0!))),
  step: timed(1, 1, (f, _s, t0) => (f.t >= t0! ? 1 : 0)),
  pulse: timed(2, 3, (f, _s, t0, width, period) => {
    if (f.t < t0!) return 0;
    const since = period === undefined ? f.t - t0! : (f.t - t0!) % period;
    return since < width! ? 1 : 0;
  }),

  // Random draws: one per step of the point (`every`), a pure function of (seed, stream, step).
  random: random(2, 2, (f, s, a, b) => a! + (b! - a!) * drawn(f, s.stream, uniform)),
  noise: random(1, 1, (f, s, sigma) => sigma! * drawn(f, s.stream, gaussian)),

  // Stateful: advance once per step of `every` seconds (dt).
  lag: {
    min: 2, max: 2, slots: 1, init: ['initial'], random: false,
    impl: (f, s, target, tau) => {
      const x = f.slots[s.slot]!;
      // Exact for a target held over the step: x → target with time constant tau.
      const next = tau! > 0 ? target! + (x - target!) * Math.exp(-f.dt / tau!) : target!;
      return (f.slots[s.slot] = Number.isNaN(next) ? x : next);
    },
  },
  slew: {
    min: 2, max: 2, slots: 1, init: ['initial'], random: false,
    impl: (f, s, target, rate) => {
      const x = f.slots[s.slot]!;
      const limit = Math.abs(rate!) * f.dt;
      const next = x + Math.min(Math.max(target! - x, -limit), limit);
      return (f.slots[s.slot] = Number.isNaN(next) ? x : next);
    },
  },
  integrate: {
    min: 1, max: 1, slots: 1, init: [0], random: false,
    impl: (f, s, x) => {
      const next = f.slots[s.slot]! + x! * f.dt;
      return Number.isFinite(next) ? (f.slots[s.slot] = next) : f.slots[s.slot]!;
    },
  },
  walk: {
    min: 1, max: 3, slots: 1, init: [0], random: true,
    impl: (f, s, sigma, lo, hi) => {
      let next = f.slots[s.slot]! + sigma! * gaussian(f, f.streams[s.stream]!, f.index);
      if (lo !== undefined && next < lo) next = lo;
      if (hi !== undefined && next > hi) next = hi;
      return Number.isFinite(next) ? (f.slots[s.slot] = next) : f.slots[s.slot]!;
    },
  },
  // Rising edges of a condition (false → true), counted from 0.
  count: {
    min: 1, max: 1, slots: 2, init: [0, 0], random: false,
    impl: (f, s, cond) => {
      const on = cond !== 0 && !Number.isNaN(cond) ? 1 : 0;
      if (on === 1 && f.slots[s.slot] === 0) f.slots[s.slot + 1]!++;
      f.slots[s.slot] = on;
      return f.slots[s.slot + 1]!;
    },
  },
};

/** Names an expression may use besides points and functions. */
export const VARIABLES = ['t', 'dt', 'prev', 'PI', 'E'] as const;
