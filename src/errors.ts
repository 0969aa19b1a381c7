/**
 * What the library throws for a caller's mistake, by kind rather than by wording: each edge maps
 * a kind once (the control channel to an HTTP status, control/errors.ts), and no one reads
 * messages to decide. Anything else thrown is a bug or an I/O failure.
 */

/** A name or id that nothing answers to: a point, a unit id, a fault rule. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * A value the call refuses: out of range, of the wrong type, or not enough to say what is meant
 * (which unit of a gateway). A RangeError, which these calls threw before.
 */
export class BadRequestError extends RangeError {
  override readonly name = 'BadRequestError';
}

/** A request the current state refuses: a name already in use, a device without points. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Something the caller may not do from where it asks (over the control channel: read another file, move the listener). */
export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}
