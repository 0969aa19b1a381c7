import type { Logger } from '../log.js';
import { isCompiledProfile, type ServedDevice } from '../model/types.js';

/**
 * Fault rules added through the API (`Runtime.inject`), by name, in the order they are tried.
 * They belong to the runtime, not to a device: a swap compiles each for the new device.
 */
export class InjectedRules {
  private readonly rules = new Map<string, { readonly rule: object; remove: () => void }>();

  constructor(private readonly logger: Logger) {}

  /** The names of the rules, in the order they are tried. */
  names(): string[] {
    return [...this.rules.keys()];
  }

  /**
   * Compiles `rule` for `device` and adds it; returns its remover (idempotent, and a no-op once
   * the rule was removed by name). Throws a ProfileError for a rule the schema or the compiler
   * refuses, an Error for a name that exists already or a device that is not a compiled profile.
   */
  add(device: ServedDevice, rule: object): () => void {
    const name = (rule as { name?: unknown }).name as string;
    if (typeof name === 'string' && this.rules.has(name)) throw new Error(`a fault rule named ${name} exists already`);
    const entry = { rule, remove: injectInto(device, rule) };
    this.rules.set(name, entry);
    return () => {
      if (this.rules.get(name) === entry) this.remove(name);
    };
  }

  /** Removes the rule `name`; false when there is none. */
  remove(name: string): boolean {
    const entry = this.rules.get(name);
    if (!entry) return false;
    this.rules.delete(name);
    entry.remove();
    return true;
  }

  /** Compiles every rule for `next`, the device a swap serves from now on; a rule it refuses is dropped, with a warning. */
  moveTo(next: ServedDevice): void {
    for (const [name, entry] of this.rules) {
      try {
        entry.remove = injectInto(next, entry.rule);
      } catch (error) {
        this.rules.delete(name);
        this.logger.log('warn', `fault rule ${name} dropped: ${(error as Error).message}`);
      }
    }
  }
}

function injectInto(device: ServedDevice, rule: object): () => void {
  if (!isCompiledProfile(device)) throw new Error(`${device.name} is not a compiled profile: fault rules need one`);
  return device.injectFault(rule);
}
