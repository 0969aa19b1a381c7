// Types for fuzz-lib.mjs (imported by the TypeScript fuzz test).
export interface Random {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
}
export interface FuzzResult {
  frames: number;
  replies: number;
  malformed: number;
  /** The probe got no reply within the reply timeout (0 or 1). */
  timeouts: number;
  problems: string[];
}
export interface ReplyTimeout {
  /** Default DEFAULT_REPLY_TIMEOUT_MS. */
  replyTimeoutMs?: number;
}
export const DEFAULT_REPLY_TIMEOUT_MS: number;
export function seededRandom(seed: number): Random;
export function connectionRandom(seed: number, index: number): Random;
export function generatePdu(r: Random): Uint8Array;
export function frame(r: Random, tid: number, pdu: Uint8Array): Uint8Array;
export function chaos(r: Random): Uint8Array;
export function replyProblem(request: Uint8Array, reply: Uint8Array): string | null;
export interface ConnectionPlan {
  chaos: boolean;
  frames: number;
}
export function planConnection(r: Random): ConnectionPlan;
export function fuzzConnection(port: number, r: Random, plan: ConnectionPlan, options?: ReplyTimeout): Promise<FuzzResult>;
export function healthyClient(port: number, stop: () => boolean, options?: ReplyTimeout): Promise<{ ok: number; bad: number; timeouts: number }>;
