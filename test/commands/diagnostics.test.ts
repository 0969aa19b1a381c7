import { describe, expect, it } from 'vitest';
import { compileProfile } from '../../src/compiler/compile.js';
import { formatChanges, describeChanges } from '../../src/runtime/changes.js';
import { loadYaml } from '../compiler/helpers.js';
import { testEnv } from '../helpers/env.js';
import { device, errors } from '../generators/helpers.js';

/** Reactions, write rules and machines are compiled once at load: problems at file:line:column, doubts as warnings. */
const HEAD = `
  version: 1
  points:
    command: { type: uint16, address: 0 }
    level: { type: uint16, address: 1, generate: "t" }
    name: { type: string, address: 2, registers: 2 }
`;

describe('load errors point at the line and the column', () => {
  it.each<[string, string, string]>([
    ['an unknown state, with a suggestion', 'm: { initial: opne, states: { open: {}, closed: {} } }', 'E_UNKNOWN_STATE 7:17 m has no state opne: did you mean open? (states: open, closed)'],
    ['an unknown point in a condition, at its column', 'm: { initial: a, states: { a: {} }, transitions: [{ to: a, when: "levle > 3" }] }', 'E_EXPRESSION 7:69 unknown name levle: did you mean level? (at column 1 of the expression)'],
    ['value outside a write', 'm: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b, when: "value > 3" }] }', 'E_EXPRESSION 7:76 unknown name value (at column 1 of the expression)'],
    ['a stateful function', 'm: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b, when: "lag(level, 3) > 3" }] }', 'E_EXPRESSION 7:75 prev, dt and the stateful functions (lag, slew, integrate, walk, count) need steps: compute the value in a generated point and read that point here'],
    ['a generated point set', 'm: { initial: a, states: { a: { onEntry: { level: 3 } } } }', 'E_SET_TARGET 7:53 level is generated: its expression decides its value (set a point it reads instead)'],
    ['a string point set', 'm: { initial: a, states: { a: { onEntry: { name: 3 } } } }', 'E_SET_TARGET 7:52 name is a string point: actions set numbers'],
    ['a transition without a trigger', 'm: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b }] }', 'E_TRANSITION 7:60 a transition needs write (at a write), when (a condition turning true) or after (a time in the state)'],
    ['write and after', 'm: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b, write: command, after: 1 }] }', 'E_TRANSITION 7:92 write and after exclude each other: a write-triggered transition fires at the write'],
    ['a machine named like a point', 'command: { initial: a, states: { a: {} } }', 'E_NAME_CONFLICT 7:12 a point is named command too: expressions would not know which one is meant'],
    ['a machine named like a variable', 't: { initial: a, states: { a: {} } }', 'E_NAME_CONFLICT 7:6 t is a name of the expression language: expressions would not know which one is meant'],
  ])('%s', async (_what, machine, diagnostic) => {
    expect(await errors(`${HEAD}  machines:\n    ${machine}\n`)).toEqual([diagnostic]);
  });

  it('in reactions and write rules too', async () => {
    expect(
      await errors(`
        version: 1
        points:
          command: { type: uint16, address: 0, reactions: [{ set: { comand: 0 } }] }
        writeRules:
          - { name: r, allow: "command >> > 1" }
      `),
    ).toEqual([
      'E_UNKNOWN_REFERENCE 3:69 no point named comand in this device: did you mean command?',
      'E_EXPRESSION 5:35 Expected expression after >> (at column 12 of the expression)',
    ]);
  });
});

describe('validate warns where it is cheap to tell', () => {
  const warnings = (text: string) => {
    const r = compileProfile(loadYaml(text), { env: testEnv() });
    if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    return r.warnings.map((w) => `${w.code} ${w.location?.line}:${w.location?.column} ${w.message}`);
  };

  it('a state no transition enters, a condition that is always false, a rule no client write reaches', () => {
    expect(
      warnings(`
        version: 1
        points:
          command: { type: uint16, address: 0 }
          status: { type: uint16, address: 1, access: readOnly }
        machines:
          m:
            initial: a
            states: { a: {}, b: {}, c: {} }
            transitions: [{ from: a, to: b, write: command, when: "1 > 2" }]
        writeRules:
          - { name: r, allow: "status < 3" }
      `),
    ).toEqual([
      'W_NEVER_TRUE 9:59 the condition of m\'s transition to b is always false',
      'W_STATE_UNREACHABLE 8:32 no transition of m enters c (only forcing it through the API can)',
      'W_RULE_UNCHECKED 11:23 write rule r checks no point a client can write: it never refuses anything',
    ]);
  });
});

describe('a reload keeps a machine whose definition is unchanged, and restarts (and says so) one that changed', () => {
  const PROFILE = (after: number) => `
    version: 1
    points:
      command: { type: uint16, address: 0 }
    machines:
      kept: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b, write: command }] }
      changed: { initial: a, states: { a: {}, b: {} }, transitions: [{ to: b, write: command }, { from: b, to: a, after: ${after} }] }
  `;

  it('kept and restarted', async () => {
    const env = testEnv();
    const { device: before } = await device(PROFILE(5), env);
    before.units[0]!.write('command', 1);
    const { device: after } = await device(PROFILE(6), env);
    const handOver = after.takeOver(before);
    expect(after.units[0]!.machines().map((m) => [m.name, m.state])).toEqual([['kept', 'b'], ['changed', 'a']]);
    expect([handOver.keptMachines, handOver.restartedMachines]).toEqual([['kept'], ['changed']]);
    expect(formatChanges(describeChanges(before, after, handOver), handOver)).toMatch(/; 1 state machine changed and restarted in the initial state \(changed\)$/);
  });

  it('a machine restarted by a reload at a later time samples its conditions from then on', async () => {
    const env = testEnv();
    const profile = (limit: number) => `
      version: 1
      points:
        level: { type: uint16, address: 0 }
      machines:
        m: { initial: low, states: { low: {}, high: {} }, transitions: [{ to: high, when: "level > ${limit}" }] }
    `;
    const { device: before, clock } = await device(profile(5), env);
    clock.set(10_000);
    const { device: after } = await device(profile(6), env);
    expect(after.takeOver(before).restartedMachines).toEqual(['m']);
    after.units[0]!.write('level', 9);
    clock.set(12_000);
    expect(after.units[0]!.machines().map((m) => m.state)).toEqual(['high']);
  });

  it('a machine new in the reload starts in its initial state and is neither kept nor restarted', async () => {
    const env = testEnv();
    const { device: before } = await device(PROFILE(5), env);
    const { device: after } = await device(`${PROFILE(5).trimEnd()}\n      added: { initial: x, states: { x: {}, y: {} }, transitions: [{ to: y, write: command }] }\n`, env);
    const handOver = after.takeOver(before);
    expect([handOver.keptMachines, handOver.restartedMachines]).toEqual([['kept', 'changed'], []]);
    expect(after.units[0]!.machines().map((m) => [m.name, m.state])).toEqual([['kept', 'a'], ['changed', 'a'], ['added', 'x']]);
  });
});
