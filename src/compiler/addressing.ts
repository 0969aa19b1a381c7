import type { Table } from '../device/data-source.js';
import type { Addressing, Table as ProfileTable } from '../profile/types.generated.js';
import { TABLE_OF as MODEL_TABLE_OF } from '../model/table-names.js';

/** Profile table names (Home Assistant's `input_type`) to the DataSource's: the model's, for every name the schema has. */
export const TABLE_OF: Readonly<Record<ProfileTable, Table>> = MODEL_TABLE_OF;

export const PROFILE_TABLE: Readonly<Record<Table, ProfileTable>> = {
  coils: 'coil',
  discreteInputs: 'discreteInput',
  holdingRegisters: 'holding',
  inputRegisters: 'input',
};

/** Modicon number ranges per table, [first, last]; `first` is protocol address 0 (docs/protocol.md, "Addressing conventions"). */
const MODICON: Readonly<Record<Table, readonly (readonly [number, number])[]>> = {
  // 5-digit 00001-09999 and 6-digit 000001-065536 coincide: both are the address plus one.
  coils: [[1, 65536]],
  discreteInputs: [[10001, 19999], [100001, 165536]],
  inputRegisters: [[30001, 39999], [300001, 365536]],
  holdingRegisters: [[40001, 49999], [400001, 465536]],
};
const PREFIX: Readonly<Record<Table, number>> = { coils: 0, discreteInputs: 1, inputRegisters: 3, holdingRegisters: 4 };
const WORD: Readonly<Record<Table, string>> = {
  coils: 'coil',
  discreteInputs: 'discrete input',
  inputRegisters: 'input',
  holdingRegisters: 'holding',
};

export type Resolved =
  | { readonly ok: true; readonly table: Table; readonly address: number; readonly sixDigit: boolean }
  | { readonly ok: false; readonly code: 'E_ADDRESS_RANGE' | 'E_ADDRESS_TABLE'; readonly message: string };

function inTable(table: Table, n: number): number | undefined {
  for (const [first, last] of MODICON[table]) if (n >= first && n <= last) return n - first;
  return undefined;
}

/**
 * The table a Modicon number names when the profile leaves the table out. Coils are inferred only
 * from their 5-digit form (1-9999): a 6-digit coil number such as 050000 reads as 50000 once YAML
 * drops the zero, which looks like a typo of a holding register, so those need `table: coil`.
 */
function inferTable(n: number): Table | undefined {
  if (n >= 1 && n <= 9999) return 'coils';
  for (const t of ['discreteInputs', 'inputRegisters', 'holdingRegisters'] as const) if (inTable(t, n) !== undefined) return t;
  return undefined;
}

/** Turns an `address` as written in the profile into a table and a 0-based protocol address. */
export function resolveAddress(mode: Addressing, n: number, given: Table | undefined, fallback: Table): Resolved {
  if (mode === 'protocol') {
    if (n <= 65535) return { ok: true, table: given ?? fallback, address: n, sixDigit: false };
    return { ok: false, code: 'E_ADDRESS_RANGE', message: `address ${n} is past 65535 (protocol addresses are 0..65535)` };
  }
  if (mode === 'oneBased') {
    if (n >= 1 && n <= 65536) return { ok: true, table: given ?? fallback, address: n - 1, sixDigit: false };
    return { ok: false, code: 'E_ADDRESS_RANGE', message: `number ${n} is outside 1..65536 (addressing: oneBased)` };
  }
  const inferred = inferTable(n);
  const table = given ?? inferred;
  const address = table === undefined ? undefined : inTable(table, n);
  if (table !== undefined && address !== undefined) return { ok: true, table, address, sixDigit: n >= 100000 };
  if (given !== undefined && inferred !== undefined) {
    const a = inTable(inferred, n)!;
    return {
      ok: false,
      code: 'E_ADDRESS_TABLE',
      message: `Modicon number ${n} is ${WORD[inferred]} address ${a}, but the table is ${PROFILE_TABLE[given]}`,
    };
  }
  const hint = given === undefined && n <= 65536 ? '; a 6-digit coil number needs `table: coil`' : '';
  return {
    ok: false,
    code: 'E_ADDRESS_RANGE',
    message:
      `${n} is not a Modicon ${given ? WORD[given] + ' ' : ''}number (00001-09999 coils, 10001-19999 discrete inputs, ` +
      `30001-39999 input, 40001-49999 holding registers, or 6-digit 000001-065536, 100001-165536, 300001-365536, 400001-465536)${hint}`,
  };
}

function modicon(table: Table, address: number, sixDigit: boolean): string {
  const six = sixDigit || address >= 9999;
  return String(PREFIX[table] * (six ? 100000 : 10000) + address + 1).padStart(six ? 6 : 5, '0');
}

/**
 * An address or range for messages, in the profile's convention with the protocol address beside
 * it (docs/protocol.md, "Addressing conventions": off-by-one confusion is the most common complaint, so print both forms).
 */
export function describeAddress(mode: Addressing, table: Table, address: number, size = 1, sixDigit = false): string {
  const last = address + size - 1;
  const protocol = size === 1 ? `${address}` : `${address}-${last}`;
  if (mode === 'protocol') return size === 1 ? `address ${protocol}` : `addresses ${protocol}`;
  if (mode === 'oneBased') {
    return size === 1 ? `number ${address + 1} (protocol ${protocol})` : `numbers ${address + 1}-${last + 1} (protocol ${protocol})`;
  }
  const first = modicon(table, address, sixDigit);
  const range = size === 1 ? first : `${first}-${modicon(table, last, sixDigit || first.length === 6)}`;
  return `${WORD[table]} ${range} (protocol ${protocol})`;
}

export const TABLE_WORDS: Readonly<Record<Table, string>> = {
  coils: 'coils',
  discreteInputs: 'discrete inputs',
  holdingRegisters: 'holding registers',
  inputRegisters: 'input registers',
};
