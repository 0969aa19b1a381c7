import type { Table } from '../device/data-source.js';

/** The tables as profiles name them (`table: holding`). */
export type ProfileTableName = 'coil' | 'discreteInput' | 'holding' | 'input';

export const TABLE_OF: Readonly<Record<ProfileTableName, Table>> = {
  coil: 'coils',
  discreteInput: 'discreteInputs',
  holding: 'holdingRegisters',
  input: 'inputRegisters',
};

/** The profile's name of each DataSource table (`holdingRegisters` → `holding`): what the control channel says. */
export const PROFILE_TABLE_NAME = Object.fromEntries(Object.entries(TABLE_OF).map(([name, table]) => [table, name])) as Readonly<Record<Table, ProfileTableName>>;

/**
 * A table as the API accepts it: the profile's name (`holding`, as in `table: holding`) or the
 * DataSource's (`holdingRegisters`).
 */
export type TableName = ProfileTableName | Table;

const TABLES = new Map<string, Table>([...Object.entries(TABLE_OF), ...Object.values(TABLE_OF).map((t) => [t, t] as const)]);

/**
 * The DataSource table a name means. Called by the API once per call, never on the request path;
 * JavaScript callers get an Error naming the valid names rather than a TypeError further in.
 */
export function tableOf(name: unknown): Table {
  const table = typeof name === 'string' ? TABLES.get(name) : undefined;
  if (table === undefined) {
    throw new Error(`${typeof name === 'string' ? JSON.stringify(name) : String(name)} is not a table: use ${Object.keys(TABLE_OF).join(', ')} (or ${Object.values(TABLE_OF).join(', ')})`);
  }
  return table;
}
