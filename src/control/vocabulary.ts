import { PROFILE_TABLE_NAME, tableOf, type CompiledProfile } from '../runtime/runtime.js';

/**
 * The control channel speaks of tables as profiles do (`holding`, `input`, `coil`,
 * `discreteInput`), whatever the library calls them (`holdingRegisters`, ...) and whichever name
 * a request used: one vocabulary in every reply and stream event.
 */
export const tableName = (name: string): string => PROFILE_TABLE_NAME[tableOf(name)];

type FaultRules = ReturnType<NonNullable<CompiledProfile['faults']>['rules']>;

/** A device's fault rules with their tables (and the tables of their address spans) so named. */
export function channelFaultRules(rules: FaultRules) {
  return rules.map((rule) => ({
    ...rule,
    tables: rule.tables && rule.tables.map((t) => PROFILE_TABLE_NAME[t]),
    spans: rule.spans && rule.spans.map((span) => (span.table === undefined ? span : { ...span, table: PROFILE_TABLE_NAME[span.table] })),
  }));
}
