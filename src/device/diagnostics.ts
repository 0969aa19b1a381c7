import { DIAGNOSTIC_COUNTERS, DiagnosticsSubFunction, ExceptionCode, FIRST_COUNTER_SUB_FUNCTION, type DiagnosticCounterName } from '../protocol/constants.js';
import { encodeDiagnosticsResponse } from '../protocol/response.js';
import type { Request } from '../protocol/request.js';
import { HELD_BACK, isPromiseLike, response, SILENCE } from '../pipeline/compose.js';
import type { Exchange, Handler, Outcome } from '../pipeline/types.js';

/** The FC 8 counters of one unit id, by name (DIAGNOSTIC_COUNTERS), with its diagnostic register and mode. */
export type DiagnosticCounts = { readonly [K in DiagnosticCounterName]: number } & {
  /** The 16-bit diagnostic register (FC 8/0x02): bit 0 is the character overrun flag. */
  readonly diagnosticRegister: number;
  /** Forced into listen-only mode (FC 8/0x04) and not restarted since (FC 8/0x01). */
  readonly listenOnly: boolean;
};

/** Why a unit id entered or left listen-only mode. */
export type ListenOnlyCause = 'request' | 'api' | 'reset';

/** Told when a unit id enters (`on`) or leaves listen-only mode (the compiled device journals it). */
export type ListenOnlyListener = (unitId: number, on: boolean, cause: ListenOnlyCause) => void;

/** Bit 0 of the diagnostic register: a character overrun was counted (FC 8/0x14 and 0x0A clear it). */
export const OVERRUN_FLAG = 0x0001;

const COUNTERS = DIAGNOSTIC_COUNTERS.length;
// Counter slots, in sub-function order (0x0B + slot).
const BUS_MESSAGES = 0;
const BUS_ERRORS = 1;
const BUS_EXCEPTIONS = 2;
const SERVER_MESSAGES = 3;
const NO_RESPONSES = 4;
const NAKS = 5;
const BUSY = 6;
const OVERRUNS = 7;
/** Exception 07, negative acknowledge (a program command the device cannot carry out): what the NAK count counts. */
const NAK = 0x07;

type DiagnosticsRequest = Extract<Request, { kind: 'diagnostics' }>;

/**
 * The FC 8 counters, diagnostic registers and listen-only modes of one served device, per unit id
 * 0..255 (docs/protocol.md, "FC 8 diagnostics"). `wrap` counts every exchange at the edge of the
 * device (outside its fault rules, so a busy reply a rule makes is counted as the device's) and
 * keeps a unit in listen-only mode silent; `answer` serves FC 8 at the unit, behind the rules.
 *
 * What every unit on the bus sees (bus messages, communication errors, character overruns) is one
 * device-wide total; each unit id keeps the total at its last clear, so clearing one unit's
 * counters leaves the others'. The request path pays two increments and a typed-array read.
 */
export class Diagnostics {
  // Rows of COUNTERS slots are made for a unit id when it first counts or is cleared, not for all
  // 256 up front: 256 rows of both arrays were 32 KiB per device, a third of a fleet device's memory.
  /** Per unit id, its row + 1 in `own` and `base`; 0: no row yet (counted nothing, never cleared). */
  private readonly rows = new Uint16Array(256);
  private used = 0;
  /** Per row, COUNTERS slots: what that unit id counted itself (the bus slots stay 0). */
  private own = new Float64Array(COUNTERS);
  /** Per row, the device-wide totals at its unit id's last clear, for the bus slots. */
  private base = new Float64Array(COUNTERS);
  /** The `base` of a unit id without a row: zeros, or the totals a recompiled device took over. */
  private readonly baseDefault = new Float64Array(COUNTERS);
  private readonly totals = new Float64Array(COUNTERS);
  private readonly register = new Uint16Array(256);
  /** 1 while a unit id is in listen-only mode. */
  private readonly listening = new Uint8Array(256);
  private listener: ListenOnlyListener | undefined;

  /**
   * `broadcastTo`: the unit ids a unit-0 broadcast reaches, when this device treats unit 0 as
   * broadcast; each counts it as a message to it that it did not answer (AP 6.8.1).
   */
  constructor(private readonly broadcastTo: readonly number[] = []) {}

  /** The one listener of listen-only changes from now on. */
  onListenOnly(listener: ListenOnlyListener | undefined): void {
    this.listener = listener;
  }

  /** `handler` with every exchange counted, and unit ids in listen-only mode silent. */
  wrap(handler: Handler): Handler {
    const totals = this.totals;
    const listening = this.listening;
    return (x) => {
      const u = x.unitId & 0xff;
      totals[BUS_MESSAGES]!++;
      // Row first: making it may replace `own` (`this.own[this.at(u)]` would read the old array).
      const at = this.at(u);
      this.own[at + SERVER_MESSAGES]!++;
      if (listening[u] === 1) return this.whileListening(x, u);
      const o = handler(x);
      // A normal reply, the usual case, is decided by one comparison (a Promise has no `kind`).
      if ((o as Outcome).kind === 'response') return o;
      if (isPromiseLike(o)) return Promise.resolve(o).then((settled) => this.counted(u, settled));
      return this.counted(u, o);
    };
  }

  /** FC 8 at the unit (a valid request: the codec refused sub-functions not served, and bad data). */
  answer(x: Exchange, r: DiagnosticsRequest): Outcome {
    const u = x.unitId & 0xff;
    const sub = r.subFunction;
    switch (sub) {
      case DiagnosticsSubFunction.ReturnQueryData:
        return response(x.pdu);
      case DiagnosticsSubFunction.RestartCommunications:
        // Not in listen-only mode (wrap answers that): the reply goes out, then the port restarts
        // with its counters cleared (AP 6.8.1 sub 01; both data words clear them: there is no event log).
        this.clear(u);
        return response(x.pdu);
      case DiagnosticsSubFunction.ReturnDiagnosticRegister:
        return response(encodeDiagnosticsResponse(sub, this.register[u]!));
      case DiagnosticsSubFunction.ForceListenOnly:
        this.setListenOnly(u, true, 'request');
        return SILENCE;
      case DiagnosticsSubFunction.ClearCounters:
        this.clear(u);
        return response(x.pdu);
      case DiagnosticsSubFunction.ClearOverrun:
        const at = this.at(u);
        this.base[at + OVERRUNS] = this.totals[OVERRUNS]!;
        this.own[at + OVERRUNS] = 0;
        this.register[u] = this.register[u]! & ~OVERRUN_FLAG;
        return response(x.pdu);
      default:
        return response(encodeDiagnosticsResponse(sub, this.count(u, sub - FIRST_COUNTER_SUB_FUNCTION) & 0xffff));
    }
  }

  /** A frame the transport could not use (RTU: a CRC error): every unit on the bus counts it. */
  countBusCommunicationError(): void {
    this.totals[BUS_ERRORS]!++;
  }

  /** A character overrun (a serial port lost bytes): every unit counts it and raises its overrun flag. */
  countCharacterOverrun(): void {
    this.totals[OVERRUNS]!++;
    for (let u = 0; u < 256; u++) this.register[u] = this.register[u]! | OVERRUN_FLAG;
  }

  /** The counters of `unitId` as FC 8 would return them (before the 16-bit wrap of the wire). */
  counts(unitId: number): DiagnosticCounts {
    const u = unitId & 0xff;
    const out: Record<string, number | boolean> = {};
    DIAGNOSTIC_COUNTERS.forEach((c, k) => (out[c.name] = this.count(u, k)));
    out.diagnosticRegister = this.register[u]!;
    out.listenOnly = this.listening[u] === 1;
    return out as DiagnosticCounts;
  }

  isListenOnly(unitId: number): boolean {
    return this.listening[unitId & 0xff] === 1;
  }

  /** The unit ids in listen-only mode, ascending. */
  listenOnlyUnits(): number[] {
    const out: number[] = [];
    for (let u = 0; u < 256; u++) if (this.listening[u] === 1) out.push(u);
    return out;
  }

  /** Puts `unitId` in listen-only mode or takes it out, as FC 8/0x04 and 0x01 would (leaving clears its counters, as 0x01 does). */
  setListenOnly(unitId: number, on: boolean, cause: ListenOnlyCause = 'api'): void {
    const u = unitId & 0xff;
    if ((this.listening[u] === 1) === on) return;
    this.listening[u] = on ? 1 : 0;
    if (!on) this.clear(u);
    this.listener?.(u, on, cause);
  }

  /** Back to the start (CompiledProfile.reset): every counter and register 0, listen-only ended. */
  reset(): void {
    for (const u of this.listenOnlyUnits()) this.setListenOnly(u, false, 'reset');
    this.own.fill(0);
    this.base.fill(0);
    this.baseDefault.fill(0);
    this.totals.fill(0);
    this.register.fill(0);
  }

  /**
   * A recompiled device goes on counting where `previous` was, and keeps its unit ids in
   * listen-only mode, for the unit ids `keep` says it still serves; returns those in listen-only mode.
   */
  takeOver(previous: Diagnostics, keep: (unitId: number) => boolean): number[] {
    this.totals.set(previous.totals);
    // A unit id new to the device (or one without a row) starts from zero: its base is the totals.
    this.baseDefault.set(previous.totals);
    const defaultsDiffer = previous.baseDefault.some((v, k) => v !== previous.totals[k]);
    const kept: number[] = [];
    for (let u = 0; u < 256; u++) {
      if (!keep(u)) continue;
      const was = previous.rows[u]!;
      if (was !== 0) {
        const from = (was - 1) * COUNTERS;
        const at = this.at(u);
        this.own.set(previous.own.subarray(from, from + COUNTERS), at);
        this.base.set(previous.base.subarray(from, from + COUNTERS), at);
      } else if (defaultsDiffer) {
        const at = this.at(u);
        this.base.set(previous.baseDefault, at);
      }
      this.register[u] = previous.register[u]!;
      if (previous.listening[u] === 1) {
        this.listening[u] = 1;
        kept.push(u);
      }
    }
    return kept;
  }

  private count(u: number, k: number): number {
    const row = this.rows[u]!;
    if (row === 0) return this.totals[k]! - this.baseDefault[k]!;
    const at = (row - 1) * COUNTERS;
    return this.own[at + k]! + this.totals[k]! - this.base[at + k]!;
  }

  /** Where `u`'s slots start in `own` and `base`, its row made on first use. */
  private at(u: number): number {
    const row = this.rows[u]!;
    return row !== 0 ? (row - 1) * COUNTERS : this.addRow(u);
  }

  private addRow(u: number): number {
    const at = this.used * COUNTERS;
    if (at + COUNTERS > this.own.length) {
      const own = new Float64Array(this.own.length * 2);
      own.set(this.own);
      this.own = own;
      const base = new Float64Array(this.base.length * 2);
      base.set(this.base);
      this.base = base;
    }
    this.used++;
    this.rows[u] = this.used;
    this.base.set(this.baseDefault, at);
    return at;
  }

  /** Counters 0x0B..0x12 and the diagnostic register of `u` to 0 (FC 8/0x0A; 0x01 too). */
  private clear(u: number): void {
    const at = this.at(u);
    this.own.fill(0, at, at + COUNTERS);
    this.base.set(this.totals, at);
    this.register[u] = 0;
  }

  /** AP 6.8.1 sub 04: nothing is carried out or answered, except 0x01, which ends the mode (unanswered too). */
  private whileListening(x: Exchange, u: number): Outcome {
    const r = x.request;
    if (r.kind === 'diagnostics' && r.subFunction === DiagnosticsSubFunction.RestartCommunications) {
      this.setListenOnly(u, false, 'request');
      return SILENCE;
    }
    const at = this.at(u);
    this.own[at + NO_RESPONSES]!++;
    return SILENCE;
  }

  /** Counts an outcome other than a normal reply; returns it. */
  private counted(u: number, o: Outcome): Outcome {
    const at = this.at(u);
    switch (o.kind) {
      case 'exception':
        this.own[at + BUS_EXCEPTIONS]!++;
        if (o.code === ExceptionCode.ServerDeviceBusy) this.own[at + BUSY]!++;
        else if (o.code === NAK) this.own[at + NAKS]!++;
        break;
      case 'silence':
      case 'close':
        // A reply held back to go out later (out-of-order replies) is no missing answer.
        if (o === HELD_BACK) break;
        this.own[at + NO_RESPONSES]!++;
        if (u === 0) this.broadcastCounted();
        break;
      default:
        // A normal reply, or raw bytes a fault rule sends instead of one: answered.
        break;
    }
    return o;
  }

  /** A broadcast (unit 0, never answered) is a message to every unit it reaches. */
  private broadcastCounted(): void {
    for (const id of this.broadcastTo) {
      const at = this.at(id);
      this.own[at + SERVER_MESSAGES]!++;
      this.own[at + NO_RESPONSES]!++;
    }
  }
}
