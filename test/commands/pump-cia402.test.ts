import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startEmulator } from '../../src/index.js';
import { connectClient } from '../helpers/modbus-client.js';
import { exceptionOf } from './helpers.js';

/**
 * devices/pump.yaml obeys CiA 402 as its header says: modbus-serial alone drives it through the
 * state machine, reads the states by the CiA 402 masks, meets the tFr and speed-limit refusals,
 * trips it by overcurrent and resets the latched fault, on a manual clock (no real waits).
 */
const PUMP = fileURLToPath(new URL('../../devices/pump.yaml', import.meta.url));
const CMD = 8501;
const LFR = 8502;
const ETA = 3201;
const TFR = 3103;
const HSP = 3104;
const LSP = 3105;
const ACC = 9001;

/** The CiA 402 state a status word shows, by the masks of the standard. */
function cia402(eta: number): string {
  if ((eta & 0x4f) === 0x40) return 'switch on disabled';
  if ((eta & 0x4f) === 0x08) return 'fault';
  switch (eta & 0x6f) {
    case 0x21:
      return 'ready to switch on';
    case 0x23:
      return 'switched on';
    case 0x27:
      return 'operation enabled';
    default:
      return `unknown 0x${eta.toString(16)}`;
  }
}

async function pump() {
  const clock = new ManualClock();
  const emulator = await startEmulator({ profile: PUMP, clock, seed: 1, logger: silentLogger });
  onTestFinished(() => emulator.close());
  const client = await connectClient(emulator.port);
  const read = async (address: number, n = 1) => (await client.readHoldingRegisters(address, n)).data;
  const state = async () => cia402((await read(ETA))[0]!);
  const command = async (word: number) => {
    await client.writeRegister(CMD, word);
    return state();
  };
  return { emulator, clock, client, read, state, command, refusal: exceptionOf, at: (s: number) => clock.set(s * 1000) };
}

describe('devices/pump.yaml obeys CiA 402', () => {
  it('walks down and back up the state machine by the control word, as the masks read it', async () => {
    const { state, command, read, at } = await pump();
    expect(await read(ETA)).toEqual([0x0637]);
    expect(await state()).toBe('operation enabled');
    expect(await command(0x0007)).toBe('switched on');
    expect(await command(0x0006)).toBe('ready to switch on');
    expect(await command(0x0000)).toBe('switch on disabled');
    at(10); // the motor coasts down to 0 Hz
    expect(await read(3202)).toEqual([0]);
    expect(await command(0x0006)).toBe('ready to switch on');
    expect(await command(0x0007)).toBe('switched on');
    expect(await command(0x000f)).toBe('operation enabled');
    at(20); // ramped up to the 45.0 Hz reference again (10 s per 50 Hz)
    expect(await read(ETA, 2)).toEqual([0x0637, 450]);
  });

  it('an illegal command, or one the state does not accept, leaves the state as it is', async () => {
    const { command } = await pump();
    expect(await command(0x0000)).toBe('switch on disabled');
    expect(await command(0x000f)).toBe('switch on disabled'); // enable operation needs Switched on
    expect(await command(0x0007)).toBe('switch on disabled'); // switch on needs Ready
    expect(await command(0x0080)).toBe('switch on disabled'); // a fault reset outside Fault
    expect(await command(0x0006)).toBe('ready to switch on');
    expect(await command(0x000f)).toBe('switched on'); // 0x0F is a switch on (xxxx x111) from Ready
    expect(await command(0x000f)).toBe('operation enabled');
  });

  it('tFr answers 04 while the motor runs and is written once it stands still', async () => {
    const { client, read, refusal, command, at } = await pump();
    expect(await refusal(() => client.writeRegister(TFR, 550))).toBe(4);
    expect(await read(TFR)).toEqual([600]); // unchanged
    expect(await command(0x0007)).toBe('switched on');
    at(5); // still ramping down from 45 Hz at 5 Hz/s
    expect(await refusal(() => client.writeRegister(TFR, 550))).toBe(4);
    at(10);
    expect(await read(3202)).toEqual([0]);
    expect(await refusal(() => client.writeRegister(TFR, 550))).toBeUndefined();
    expect(await read(TFR)).toEqual([550]);
  });

  it('lowSpeed ≤ highSpeed ≤ maxFrequency: a write that breaks it answers 03 and changes nothing', async () => {
    const { client, read, refusal, command, at } = await pump();
    expect(await read(TFR, 3)).toEqual([600, 500, 150]); // tFr 60.0, HSP 50.0, LSP 15.0 Hz
    expect(await refusal(() => client.writeRegister(LSP, 501))).toBe(3); // above HSP
    expect(await refusal(() => client.writeRegister(HSP, 149))).toBe(3); // below LSP
    expect(await refusal(() => client.writeRegisters(HSP, [400, 450]))).toBe(3); // LSP 45 > HSP 40, after the whole request
    expect(await read(TFR, 3)).toEqual([600, 500, 150]);
    // Checked on the values after the whole request: both move together where one alone could not.
    expect(await refusal(() => client.writeRegisters(HSP, [200, 180]))).toBeUndefined();
    expect(await read(TFR, 3)).toEqual([600, 200, 180]);
    await command(0x0000);
    at(10);
    expect(await refusal(() => client.writeRegister(TFR, 190))).toBe(3); // a tFr below HSP included
    expect(await refusal(() => client.writeRegisters(TFR, [190, 185]))).toBeUndefined();
    expect(await read(TFR, 3)).toEqual([190, 185, 180]);
  });

  it('an overcurrent trips to Fault; the motor coasts; the fault latches until a rising edge of bit 7', async () => {
    const { emulator, client, read, state, command, at } = await pump();
    await client.writeRegister(ACC, 5); // ACC 0.5 s: accelerating takes 20 A more
    await client.writeRegister(LFR, 600); // 60.0 Hz
    at(0.1); // the drive's next step samples the overcurrent
    expect(await state()).toBe('fault');
    expect((await read(ETA))[0]! & 0x4f).toBe(0x08);
    at(1);
    const coasting = (await read(3202))[0]!;
    expect(coasting).toBeLessThan(550);
    expect(coasting).toBeGreaterThan(0);
    expect(await command(0x000f)).toBe('fault'); // latched: commands do nothing
    expect(await command(0x0000)).toBe('fault');
    expect(await command(0x0080)).toBe('switch on disabled'); // the rising edge of bit 7
    expect(await command(0x0080)).toBe('switch on disabled');
    const transitions = emulator.journal!.entries({ kind: 'event' });
    expect(transitions.map((e) => [e.time, e.data.from, e.data.to, e.data.cause])).toEqual([[100, 'operationEnabled', 'fault', 'condition'], [expect.any(Number), 'fault', 'switchOnDisabled', 'write']]);
    expect(transitions[0]!.message).toBe('pump: drive: operationEnabled → fault (when motorCurrent > 16.5)');
  });

  it('the API forces a state (a test that starts from Fault) and reads it; reset() returns the machine to its initial state', async () => {
    const { emulator, state, command } = await pump();
    expect(emulator.forceState('drive', 'fault')).toMatchObject({ name: 'drive', state: 'fault', value: 0x0218 });
    expect(await state()).toBe('fault');
    expect(emulator.machines()).toEqual([{ name: 'drive', state: 'fault', value: 0x0218, since: 0, states: ['switchOnDisabled', 'readyToSwitchOn', 'switchedOn', 'operationEnabled', 'fault'] }]);
    expect(await command(0x0000)).toBe('fault');
    emulator.reset();
    expect(await state()).toBe('operation enabled');
    expect(() => emulator.forceState('drive', 'running')).toThrow(/no state running \(states: switchOnDisabled, /);
  });
});
