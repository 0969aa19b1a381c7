/** A request the control channel refuses: its HTTP status and a sentence saying what is wrong. */
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** Runs a call into the device API; what it throws (an unknown point, a value that does not fit) is the caller's mistake: 4xx. */
export function attempt<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof ControlError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ControlError(/no point named|no device answers/.test(message) ? 404 : 400, message);
  }
}
