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
  problems: string[];
}
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
export function fuzzConnection(port: number, r: Random, plan: ConnectionPlan): Promise<FuzzResult>;
export function healthyClient(port: number, stop: () => boolean): Promise<{ ok: number; bad: number }>;
