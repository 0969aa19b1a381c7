import { BadRequestError, ConflictError, ForbiddenError, NotFoundError } from '../errors.js';

/**
 * A refusal that only HTTP has words for (a missing token, a wrong content type, a profile with
 * diagnostics): its status and a sentence saying what is wrong. Every other refusal comes from
 * the layers below as a typed error (src/errors.ts) and is mapped by `statusOf`.
 */
export class ControlError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** Every problem of a profile or rule (422). */
    readonly diagnostics?: readonly unknown[],
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

/** The HTTP status of a refusal: the one place a kind of error becomes a status; undefined for anything else (a bug: 500). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof ControlError) return error.statusCode;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof BadRequestError) return 400;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof ConflictError) return 409;
  return undefined;
}
