/**
 * Test helpers for the compiler: a LoadedProfile straight from YAML text (real line numbers,
 * without the loader or the schema), and Modbus requests run through a compiled profile's handler.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { expect } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { testEnv } from '../helpers/env.js';
import type { CompiledProfile } from '../../src/model/types.js';
import type { Diagnostic } from '../../src/profile/diagnostics.js';
import type { LoadedProfile } from '../../src/profile/loaded.js';
import type { DeviceProfile } from '../../src/profile/types.generated.js';
import type { Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';

/** Strips the indentation common to every line, so profiles can be written inline in tests. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function loadYaml(text: string, file = 'test.yaml'): LoadedProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(dedent(text), { lineCounter });
  if (doc.errors.length > 0) throw doc.errors[0];
  const profile = doc.toJS() as DeviceProfile;
  const nodes = new WeakMap<object, Node>();
  const walk = (node: unknown, value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    nodes.set(value, node as Node);
    if (isMap(node)) for (const pair of node.items) walk(pair.value, (value as Record<string, unknown>)[keyOf(pair.key)]);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item, (value as unknown[])[i]));
  };
  walk(doc.contents, profile);
  return {
    file,
    files: [file],
    profile,
    locate(obj: object, key?: string | number) {
      const node = nodes.get(obj);
      if (!node) return undefined;
      let target: unknown = node;
      if (key !== undefined && isMap(node)) {
        const pair = node.items.find((p) => keyOf(p.key) === String(key));
        target = pair?.value ?? pair?.key ?? node;
      } else if (key !== undefined && isSeq(node)) target = node.items[Number(key)] ?? node;
      const pos = lineCounter.linePos((target as Node).range![0]);
      return { file, line: pos.line, column: pos.col };
    },
  };
}

const keyOf = (key: unknown): string => (isScalar(key) ? String(key.value) : String(key));

/** Compiles and expects success. */
export function compile(text: string): CompiledProfile {
  const result = compileProfile(loadYaml(text), { env: testEnv() });
  if (!result.ok) throw new Error(`unexpected diagnostics:\n${result.diagnostics.map((d) => `${d.path}: ${d.message} [${d.code}]`).join('\n')}`);
  return result.profile;
}

/** Compiles and expects failure; returns the diagnostics. */
export function problems(text: string): readonly Diagnostic[] {
  const result = compileProfile(loadYaml(text), { env: testEnv() });
  if (result.ok) throw new Error('expected diagnostics, the profile compiled');
  return result.diagnostics;
}

/** Expects exactly one diagnostic and checks its code, path and line. */
export function expectOne(text: string, code: string, path: string, line: number): Diagnostic {
  const ds = problems(text);
  expect(ds.map((d) => [d.code, d.path, d.location?.line])).toEqual([[code, path, line]]);
  return ds[0]!;
}

// --- Requests ------------------------------------------------------------------------------

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];

export const pdu = {
  read: (fc: 1 | 2 | 3 | 4, address: number, quantity: number) => [fc, ...u16(address), ...u16(quantity)],
  writeCoil: (address: number, on: boolean) => [5, ...u16(address), on ? 0xff : 0, 0],
  writeRegister: (address: number, value: number) => [6, ...u16(address), ...u16(value)],
  writeCoils: (address: number, bits: number[]) => {
    const bytes = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
    bits.forEach((b, i) => (bytes[i >> 3]! |= b ? 1 << (i & 7) : 0));
    return [15, ...u16(address), ...u16(bits.length), bytes.length, ...bytes];
  },
  writeRegisters: (address: number, values: number[]) => [16, ...u16(address), ...u16(values.length), values.length * 2, ...values.flatMap(u16)],
  mask: (address: number, and: number, or: number) => [22, ...u16(address), ...u16(and), ...u16(or)],
  readWrite: (readAddress: number, readQuantity: number, writeAddress: number, values: number[]) => [
    23, ...u16(readAddress), ...u16(readQuantity), ...u16(writeAddress), ...u16(values.length), values.length * 2, ...values.flatMap(u16),
  ],
  deviceId: (code: number, objectId: number) => [0x2b, 0x0e, code, objectId],
  reportServerId: () => [0x11],
};

/** Runs one request PDU for `unitId` through the profile's handler (synchronously: compiled devices are). */
export function send(profile: CompiledProfile, bytes: number[], unitId = 1): Outcome {
  const raw = Uint8Array.from(bytes);
  const outcome = profile.handler({ transactionId: 1, unitId, pdu: raw, request: decodeRequest(raw), connection: { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000 } });
  if (outcome instanceof Promise) throw new Error('compiled devices answer synchronously');
  return outcome as Outcome;
}

/** The registers of a FC 3/4/23 reply, or the exception code / 'silence'. */
export function registers(outcome: Outcome): number[] | number | string {
  if (outcome.kind === 'exception') return outcome.code;
  if (outcome.kind !== 'response') return outcome.kind;
  const p = outcome.pdu;
  return Array.from({ length: p[1]! / 2 }, (_, i) => (p[2 + 2 * i]! << 8) | p[3 + 2 * i]!);
}

/** The first `n` bits of a FC 1/2 reply, or the exception code / 'silence'. */
export function bits(outcome: Outcome, n: number): number[] | number | string {
  if (outcome.kind === 'exception') return outcome.code;
  if (outcome.kind !== 'response') return outcome.kind;
  return Array.from({ length: n }, (_, i) => (outcome.pdu[2 + (i >> 3)]! >> (i & 7)) & 1);
}

/** 'ok' for a normal reply, else the exception code or the outcome kind. */
export function status(outcome: Outcome): string | number {
  return outcome.kind === 'response' ? 'ok' : outcome.kind === 'exception' ? outcome.code : outcome.kind;
}
