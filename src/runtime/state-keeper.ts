import type { Environment } from '../environment.js';
import { restoreState, snapshotState } from '../model/state-snapshot.js';
import { observeWrites } from '../model/switches.js';
import type { CompiledProfile } from '../model/types.js';
import { formatState, readStateFile, StateFileError, writeStateFile } from './state-file.js';
import { StateSaver } from './state-saver.js';

/** Skipped values named one per line up to this many; the rest are counted. */
const SKIPPED_NAMED = 20;

/**
 * A runtime's state file (`--state`, `server.stateFile`): loaded into the device before it
 * listens, then saved after writes (StateSaver), after a reload's hand-over and a reset, and at
 * shutdown. The device it follows changes with every swap.
 */
export class StateKeeper {
  private saver: StateSaver | undefined;
  private device: CompiledProfile | undefined;
  private opened: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly env: Environment,
  ) {}

  /** Reads the file into `device` and follows its writes from then on (once). Rejects with a StateFileError. */
  open(device: CompiledProfile): Promise<void> {
    this.opened ??= this.load(device);
    return this.opened;
  }

  /** The device a swap put in place: its writes are followed, and the hand-over's result saved. */
  follow(device: CompiledProfile, save = true): void {
    if (!this.saver) return;
    if (this.device) observeWrites(this.device, undefined);
    this.device = device;
    const saver = this.saver;
    observeWrites(device, () => saver.changed());
    if (save) saver.changed();
  }

  /** Something changed that no write reported (a reset). */
  changed(): void {
    this.saver?.changed();
  }

  /** Saves what changed since the last save; resolves when the file holds it. */
  flush(): Promise<void> {
    return this.saver?.flush() ?? Promise.resolve();
  }

  /** The last save: at shutdown, once no client can write any more. */
  close(): Promise<void> {
    return this.saver?.close() ?? Promise.resolve();
  }

  private async load(device: CompiledProfile): Promise<void> {
    const { file } = this;
    const { logger } = this.env;
    const doc = await readStateFile(file);
    if (doc) {
      const { restored, skipped } = restoreState(device, doc);
      logger.log('info', `state file ${file}: ${restored} saved value(s) restored`);
      for (const line of skipped.slice(0, SKIPPED_NAMED)) logger.log('warn', `state file ${file}: ${line}: skipped`);
      if (skipped.length > SKIPPED_NAMED) logger.log('warn', `state file ${file}: … and ${skipped.length - SKIPPED_NAMED} more skipped`);
      if (skipped.length > 0) logger.log('warn', `state file ${file}: ${skipped.length} saved value(s) no longer match the profile and were not applied; the next save leaves them out`);
    }
    this.device = device;
    if (!doc) {
      // No file yet: write one now, so a folder that does not exist or cannot be written fails the start, not a later save.
      try {
        await writeStateFile(file, this.text());
      } catch (error) {
        throw new StateFileError(file, `cannot write the state file ${file}: ${(error as Error).message}`);
      }
      logger.log('info', `state file ${file}: none yet, written now and after every change`);
    }
    this.saver = new StateSaver({ file, text: () => this.text(), timer: this.env.timer, logger });
    this.follow(device, false);
  }

  private text(): string {
    const { units, ...head } = snapshotState(this.device!);
    // `savedAt` before `units`, where a person reading the file looks first.
    return formatState({ ...head, savedAt: new Date().toISOString(), units });
  }
}
