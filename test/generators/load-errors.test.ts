import { describe, expect, it } from 'vitest';
import { errors } from './helpers.js';

/** Every load error of `generate:`, with the line and the column of the character at fault. */
describe('generate: load errors point at the YAML line and the column inside the expression', () => {
  it.each<[string, string, string]>([
    // [comment, point line (its generate), diagnostic]
    ['unknown name, plain scalar', 'p: { type: int16, address: 0, generate: 2 * spede }', 'E_EXPRESSION 4:47 unknown name spede: did you mean speed? (at column 5 of the expression)'],
    ['unknown name, double-quoted', 'p: { type: int16, address: 0, generate: "2 * spede" }', 'E_EXPRESSION 4:48 unknown name spede: did you mean speed? (at column 5 of the expression)'],
    ['unknown bit, single-quoted', "p: { type: int16, address: 0, generate: 'status.fualt' }", 'E_EXPRESSION 4:44 unknown name status.fualt: did you mean status.fault? (at column 1 of the expression)'],
    ['unknown function', 'p: { type: int16, address: 0, generate: "1 + sinn(t)" }', 'E_EXPRESSION 4:48 unknown function sinn: did you mean sin? (at column 5 of the expression)'],
    ['wrong number of arguments', 'p: { type: int16, address: 0, generate: "lag(speed)" }', 'E_EXPRESSION 4:44 lag takes 2 arguments, not 1 (at column 1 of the expression)'],
    ['syntax', 'p: { type: int16, address: 0, generate: "(1 + 2" }', 'E_EXPRESSION 4:50 Unclosed ( (at column 7 of the expression)'],
    ['a string literal', 'p: { type: int16, address: 0, generate: "speed + \'x\'" }', 'E_EXPRESSION 4:52 \'x\' is not a number: expressions compute numbers (at column 9 of the expression)'],
    ['a string point', 'p: { type: int16, address: 0, generate: "serial + 1" }', 'E_EXPRESSION 4:44 serial is a string point: expressions compute numbers (at column 1 of the expression)'],
    ['object form', 'p: { type: int16, address: 0, generate: { expression: "1 +", every: 5 } }', 'E_EXPRESSION 4:61 Expected expression after + (at column 4 of the expression)'],
  ])('%s', async (_comment, line, diagnostic) => {
    expect(
      await errors(`
        version: 1
        points:
          speed: { type: int16, address: 10 }
          ${line}
          status: { type: bitfield16, address: 11, bits: { fault: 3 } }
          serial: { type: string, address: 12, registers: 2 }
      `),
    ).toEqual([diagnostic]);
  });

  it('an alias cannot be generated: its point can', async () => {
    expect(
      await errors(`
        version: 1
        points:
          word: { type: uint16, address: 0 }
          low: { type: uint16, address: 0, aliasOf: word, generate: t }
      `),
    ).toEqual(['E_VALUE_CONFLICT 4:61 an alias shares the words of word: generate word itself']);
  });

  it('a loop of stateless generators names the loop; the schema refuses an unknown key or a bad onWrite', async () => {
    expect(
      await errors(`
        version: 1
        points:
          a: { type: int16, address: 0, generate: "b + 1" }
          b: { type: int16, address: 1, generate: "c * 2" }
          c: { type: int16, address: 2, generate: "a - 1" }
      `),
    ).toEqual(['E_GENERATE_CYCLE 3:43 generators read each other in a loop: a → b → c → a; make one of them stateful (lag, slew, prev...) to break it']);
    const schema = await errors(`
      version: 1
      points:
        a: { type: int16, address: 0, generate: { expression: "t", onWrite: ignore } }
        b: { type: string, address: 1, registers: 1, generate: "t" }
    `);
    expect(schema.map((d) => d.split(' ').slice(0, 2).join(' '))).toEqual(['E_SCHEMA_ENUM 3:71', 'E_SCHEMA_UNKNOWN_KEY 4:48']);
  });
});
