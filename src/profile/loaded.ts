import type { Diagnostic, SourceLocation } from './diagnostics.js';
import type { DeviceProfile } from './types.generated.js';

/**
 * A profile that parsed and passed the JSON Schema, with every `include` resolved:
 * - a template `{ include: file }` is replaced by the device object parsed from that file;
 * - a unit's `include: file` is replaced by a new unit object holding the included device's
 *   fields and the unit's own fields (unitId, name, description …), without `include`.
 * Objects keep their identity, so `locate` finds positions in whichever file they came from.
 */
export interface LoadedProfile {
  /** The path as the user gave it (kept relative for messages). */
  readonly file: string;
  /**
   * Every file the load read: the profile first, then each include, as named in messages
   * (relative to the working folder given to the loader). Empty for a profile given as an object
   * without includes.
   */
  readonly files: readonly string[];
  readonly profile: DeviceProfile;
  /**
   * Position of `node` itself, or of the value under `key` inside it (falling back to the key,
   * then to `node`). Undefined for objects that did not come from a file (API objects).
   */
  locate(node: object, key?: string | number): SourceLocation | undefined;
  /**
   * Position of the key itself under `node` (for a problem with a name, such as a point name),
   * falling back like `locate`. Optional: a LoadedProfile built by hand may leave it out.
   */
  locateKey?(node: object, key: string | number): SourceLocation | undefined;
  /**
   * In a partial profile (see LoadResult): paths of the entities removed because of problems
   * already reported (`['points', 'speed']`, `['units', 2]`), as they were in the file. A
   * reference to one is not reported again as an unknown name, and the index of a list item
   * after a removed one is shifted back to the file's in messages.
   */
  readonly withdrawn?: readonly (readonly (string | number)[])[];
  /** Position of character `index` of the string under `key` (a generator expression). Optional, like locateKey. */
  locateInside?(node: object, key: string | number, index: number): SourceLocation | undefined;
}

export type LoadResult =
  | { readonly ok: true; readonly loaded: LoadedProfile }
  | {
      readonly ok: false;
      readonly diagnostics: readonly Diagnostic[];
      /**
       * When the file parsed: what is left after removing every entity with a schema error, when
       * that is schema-valid — the compiler checks it so semantic problems are reported too.
       */
      readonly partial?: LoadedProfile;
      /** The files read, main first, in the order diagnostics are sorted by. */
      readonly files?: readonly string[];
    };
