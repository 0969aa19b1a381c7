/**
 * The bounds on what a profile may be, so that no input can exhaust the stack, the memory or a
 * timer (docs/reliability.md lists them with the commands that show each one).
 */

/**
 * How deeply maps and lists may nest in a profile (YAML, a profile object, an injected rule). The
 * deepest the schema allows is about 8 (`units[0].points.p.generate.expression`); 64 leaves room
 * and keeps every recursive pass over a profile far from the stack's end.
 */
export const MAX_PROFILE_DEPTH = 64;

/**
 * The longest wait a Duration may give: 2^31 - 1 ms (about 24.8 days), the most a Node timer can
 * hold (a longer one fires at once, with a TimeoutOverflowWarning). Longer waits are refused at
 * load, never shortened.
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** The largest file (a profile or an include) read by default: 64 MiB; `--max-file-size` raises it. */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;
