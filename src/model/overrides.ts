import type { Exchange, Handler, Outcome } from '../pipeline/types.js';
import type { Table } from '../device/data-source.js';
import { BadRequestError, NotFoundError } from '../errors.js';
import { encode, scaleFactorOf } from './codec.js';
import { editOutcomes, type PointOverride } from './modes.js';
import type { PointModel } from './point-model.js';
import type { CompiledProfile, CompiledUnit } from './types.js';
import { unitInternals } from './unit.js';

/** One overridden point of one unit: where its words are, and how to make them. */
interface Patch {
  readonly point: PointModel;
  /** The words (or the 0/1 bit) to serve, made on each read for a value that moves with time. */
  readonly words: (seconds: number) => Uint16Array;
}

const READ_TABLES: Readonly<Record<string, Table>> = { readCoils: 'coils', readDiscreteInputs: 'discreteInputs', readHoldingRegisters: 'holdingRegisters', readInputRegisters: 'inputRegisters' };

/**
 * `next`, with the reads of FC 1-4 answering `overrides` instead of what storage holds, in every
 * unit that has the point (docs/scenarios.md): storage is not touched, so writes and reactions go
 * on underneath and show once the override ends. `now()` is the emulator time in ms; a function
 * value gets the seconds since `since`. Throws NotFoundError for a point no unit has, and
 * BadRequestError for a value that does not fit its point.
 */
export function overrideHandler(device: CompiledProfile, overrides: readonly PointOverride[], since: number, now: () => number, next: Handler): Handler {
  const byUnit = new Map<CompiledUnit, Patch[]>();
  for (const o of overrides) {
    let found = false;
    for (const unit of device.units) {
      const patch = patchOf(unit, o);
      if (!patch) continue;
      found = true;
      const list = byUnit.get(unit) ?? [];
      list.push(patch);
      byUnit.set(unit, list);
    }
    if (!found) throw new NotFoundError(`${device.name} has no point named ${o.point}`);
  }
  const perId: (Patch[] | undefined)[] = [];
  for (let id = 0; id < 256; id++) {
    const unit = device.unit(id);
    perId.push(unit && byUnit.get(unit));
  }
  return editOutcomes(next, (x, outcome) => {
    const patches = perId[x.unitId & 0xff];
    const table = READ_TABLES[x.request.kind];
    if (!patches || table === undefined || outcome.kind !== 'response') return outcome;
    return patched(x, outcome.pdu, table, patches, (now() - since) / 1000);
  });
}

function patchOf(unit: CompiledUnit, o: PointOverride): Patch | undefined {
  const { layout, store } = unitInternals(unit);
  const point = layout.byName.get(o.point);
  if (!point || !('table' in point)) return undefined;
  const out = new Uint16Array(point.size);
  const make = (value: unknown): Uint16Array => {
    const problem = encode(point, value, scaleFactorOf(point, store), out, 0);
    if (problem) throw new BadRequestError(`${o.point}: ${problem.message}`);
    return out;
  };
  const { value } = o;
  if (typeof value === 'function') {
    return { point, words: (s) => (point.kind === 'bit' ? bit(out, value(s)) : make(value(s))) };
  }
  // A constant is checked (and encoded) once, now; a scale factor that changes later is read again on each read.
  if (point.kind === 'bit') {
    if (value !== true && value !== false && value !== 0 && value !== 1) throw new BadRequestError(`${o.point}: ${String(value)} is not a boolean`);
    return { point, words: () => bit(out, Number(value)) };
  }
  make(value);
  return { point, words: () => make(value) };
}

function bit(out: Uint16Array, v: number): Uint16Array {
  out[0] = v !== 0 && !Number.isNaN(v) ? 1 : 0;
  return out;
}

/** A copy of the reply PDU with each overridden point's part of the read range replaced. */
function patched(x: Exchange, pdu: Uint8Array, table: Table, patches: readonly Patch[], seconds: number): Outcome {
  const { address, quantity } = x.request as { address: number; quantity: number };
  let copy: Uint8Array | undefined;
  for (const p of patches) {
    const { point } = p;
    if (point.table !== table || point.address >= address + quantity || point.address + point.size <= address) continue;
    let words: Uint16Array;
    try {
      words = p.words(seconds);
    } catch {
      // A computed value that does not fit its point (NaN, out of range): the stored value shows.
      continue;
    }
    copy ??= pdu.slice();
    for (let i = 0; i < point.size; i++) {
      const at = point.address + i - address;
      if (at < 0 || at >= quantity) continue;
      if (point.kind === 'bit') {
        const byte = 2 + (at >> 3);
        const mask = 1 << (at & 7);
        copy[byte] = words[0] ? copy[byte]! | mask : copy[byte]! & ~mask;
      } else {
        copy[2 + at * 2] = words[i]! >> 8;
        copy[3 + at * 2] = words[i]! & 0xff;
      }
    }
  }
  return copy ? { kind: 'response', pdu: copy } : { kind: 'response', pdu };
}
