/**
 * Fault rules under a manual emulator clock, a manual wire timer and seed 1: a profile (YAML
 * text, validated by the schema like a file) compiled to a device whose handler tests call
 * directly, so which request gets what is exact.
 */
import { parse } from 'yaml';
import { expect } from 'vitest';
import { silentLogger } from '../../src/log.js';
import type { CompiledProfile } from '../../src/model/types.js';
import type { ConnectionInfo, Exchange, Outcome } from '../../src/pipeline/types.js';
import { decodeRequest } from '../../src/protocol/request.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { createEnvironment } from '../../src/runtime/environment.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { ManualTimer } from '../../src/runtime/timers.js';

export { pdu, registers, bits, status } from '../compiler/helpers.js';
export type { ConnectionInfo } from '../../src/pipeline/types.js';

export interface FaultBench {
  readonly device: CompiledProfile;
  readonly clock: ManualClock;
  readonly timer: ManualTimer;
  /** Runs one request; `fault` of the exchange is returned with the outcome. */
  send(bytes: number[], options?: { unitId?: number; connection?: ConnectionInfo; transactionId?: number }): Sent;
}

export interface Sent {
  readonly exchange: Exchange;
  readonly outcome: Outcome | Promise<Outcome>;
  /** The outcome, which must be synchronous. */
  readonly now: Outcome;
}

export const CONNECTION: ConnectionInfo = { id: 1, remoteAddress: '127.0.0.1', remotePort: 50000 };

export async function faultBench(yaml: string, seed = 1): Promise<FaultBench> {
  const clock = new ManualClock();
  const timer = new ManualTimer();
  const env = createEnvironment({ seed, clock, timer, logger: silentLogger });
  const result = await loadDevice(parse(yaml) as object, { env });
  if (!result.ok) throw new Error(`unexpected diagnostics:\n${result.diagnostics.map((d) => `${d.path}: ${d.message} [${d.code}]`).join('\n')}`);
  const device = result.profile;
  return {
    device,
    clock,
    timer,
    send(bytes, options = {}) {
      const raw = Uint8Array.from(bytes);
      const exchange: Exchange = {
        transactionId: options.transactionId ?? 1,
        unitId: options.unitId ?? 1,
        pdu: raw,
        request: decodeRequest(raw),
        connection: options.connection ?? CONNECTION,
        fault: undefined,
      };
      const outcome = device.handler(exchange);
      return {
        exchange,
        outcome,
        get now(): Outcome {
          expect(outcome).not.toBeInstanceOf(Promise);
          return outcome as Outcome;
        },
      };
    },
  };
}

/** Settles a pending outcome: advances the manual timer by `ms`, then awaits it. */
export async function settle(bench: FaultBench, outcome: Outcome | Promise<Outcome>, ms: number): Promise<Outcome> {
  let done = false;
  const p = Promise.resolve(outcome).then((o) => ((done = true), o));
  bench.timer.advance(ms);
  const o = await p;
  expect(done).toBe(true);
  return o;
}

/** Whether a pending outcome has settled after the manual timer moved `ms` (microtasks flushed). */
export async function settledAfter(bench: FaultBench, outcome: Promise<Outcome>, ms: number): Promise<boolean> {
  let done = false;
  void outcome.then(() => (done = true));
  bench.timer.advance(ms);
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
}

/** The names of the rules that fired for a list of sends. */
export const fired = (sent: readonly Sent[]): (string | undefined)[] => sent.map((s) => s.exchange.fault);
