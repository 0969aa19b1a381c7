import type { Runtime } from './runtime.js';
import type { ReloadResult } from './runtime.js';

/**
 * Every instance of one profile in a fleet, reloaded together when the profile changes: each
 * instance's runtime reloads (on the loader thread its runtimes share) and takes over its own
 * state, as a single device does (docs/live-reload.md). The result is the first failure, else
 * the first success: what a watcher needs (the files to follow).
 */
export function reloadTogether(label: string, runtimes: readonly Runtime[]): Pick<Runtime, 'label' | 'env' | 'prepareReloads' | 'reload'> {
  const first = runtimes[0]!;
  return {
    label,
    env: first.env,
    // The instances share one loader: warming one warms it for all.
    prepareReloads: () => first.prepareReloads(),
    async reload(): Promise<ReloadResult> {
      const results = await Promise.all(runtimes.map((r) => r.reload()));
      return results.find((r) => !r.ok) ?? results[0]!;
    },
  };
}
