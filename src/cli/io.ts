/** What the CLI touches of the outside world, so tests run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted on SIGINT / SIGTERM: serving commands shut down gracefully and resolve. */
  signal?: AbortSignal;
  cwd?: string;
  /** The environment variables the CLI reads (MODBUS_EMU_CONTROL_TOKEN); default none. */
  env?: Readonly<Record<string, string | undefined>>;
}
