import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Limits } from '../../src/protocol/constants.js';
import { encodeAdu, scanFrame } from '../../src/protocol/mbap.js';
import { decodeRequest, type Request } from '../../src/protocol/request.js';
import { encodeRequest } from '../../src/protocol/response.js';
import { concat } from '../helpers/hex.js';

type ValidRequest = Exclude<Request, { kind: 'invalid' }>;

/** Fixed seed: a failure reproduces on every run and every machine. */
const SEED = 0x6d6f6462;
const run = <Ts>(property: fc.IProperty<Ts>, numRuns = 500): void => fc.assert(property, { seed: SEED, numRuns });

const u16 = fc.integer({ min: 0, max: 0xffff });

/** A range of `max` items at most that does not run past 65535. */
const range = (max: number) =>
  fc.integer({ min: 1, max }).chain((quantity) => fc.record({ address: fc.integer({ min: 0, max: Limits.addressSpace - quantity }), quantity: fc.constant(quantity) }));

const READ_KINDS = ['readCoils', 'readDiscreteInputs', 'readHoldingRegisters', 'readInputRegisters'] as const;

const validRequest: fc.Arbitrary<ValidRequest> = fc.oneof(
  fc.integer({ min: 1, max: 4 }).chain((functionCode) =>
    range(functionCode <= 2 ? Limits.readBitsMax : Limits.readRegistersMax).map(
      ({ address, quantity }): ValidRequest => ({ kind: READ_KINDS[functionCode - 1]!, functionCode: functionCode as 1 | 2 | 3 | 4, address, quantity }),
    ),
  ),
  fc.record({ address: u16, value: fc.boolean() }).map((r): ValidRequest => ({ kind: 'writeSingleCoil', functionCode: 0x05, ...r })),
  fc.record({ address: u16, value: u16 }).map((r): ValidRequest => ({ kind: 'writeSingleRegister', functionCode: 0x06, ...r })),
  range(Limits.writeCoilsMax).chain(({ address, quantity }) =>
    fc
      .uint8Array({ minLength: quantity, maxLength: quantity, min: 0, max: 1 })
      .map((values): ValidRequest => ({ kind: 'writeMultipleCoils', functionCode: 0x0f, address, quantity, values })),
  ),
  range(Limits.writeRegistersMax).chain(({ address, quantity }) =>
    fc
      .uint16Array({ minLength: quantity, maxLength: quantity })
      .map((values): ValidRequest => ({ kind: 'writeMultipleRegisters', functionCode: 0x10, address, quantity, values })),
  ),
  fc.record({ address: u16, andMask: u16, orMask: u16 }).map((r): ValidRequest => ({ kind: 'maskWriteRegister', functionCode: 0x16, ...r })),
  fc.tuple(range(Limits.readWriteReadMax), range(Limits.readWriteWriteMax)).chain(([read, write]) =>
    fc.uint16Array({ minLength: write.quantity, maxLength: write.quantity }).map(
      (values): ValidRequest => ({
        kind: 'readWriteMultipleRegisters',
        functionCode: 0x17,
        readAddress: read.address,
        readQuantity: read.quantity,
        writeAddress: write.address,
        writeQuantity: write.quantity,
        values,
      }),
    ),
  ),
  fc.constant<ValidRequest>({ kind: 'reportServerId', functionCode: 0x11 }),
  fc
    .record({ readDeviceIdCode: fc.integer({ min: 1, max: 4 }), objectId: fc.integer({ min: 0, max: 0xff }) })
    .map((r): ValidRequest => ({ kind: 'readDeviceIdentification', functionCode: 0x2b, ...r })),
  // Return query data echoes any data: PDU ≤ 253, so function code and sub-function leave 250 bytes.
  fc.uint8Array({ maxLength: Limits.pduMax - 3 }).map((data): ValidRequest => ({ kind: 'diagnostics', functionCode: 0x08, subFunction: 0, data })),
  // The other sub-functions served take one data word: 0x0000 (sub 1: or 0xFF00).
  fc
    .constantFrom(1, 2, 4, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x14)
    .map((subFunction): ValidRequest => ({ kind: 'diagnostics', functionCode: 0x08, subFunction, data: new Uint8Array(2) })),
);

/** Valid requests with one byte changed, truncated or extended: the edges where decoders break. */
const nearlyValidPdu: fc.Arbitrary<Uint8Array> = fc
  .tuple(validRequest, fc.nat(), fc.integer({ min: 0, max: 0xff }), fc.constantFrom('flip', 'truncate', 'extend'))
  .map(([request, at, byte, how]) => {
    const pdu = encodeRequest(request);
    const i = at % pdu.length;
    if (how === 'truncate') return pdu.subarray(0, i);
    if (how === 'extend') return concat(pdu, [byte]);
    const copy = pdu.slice();
    copy[i] = byte;
    return copy;
  });

const anyPdu = fc.oneof(fc.uint8Array({ maxLength: 300 }), nearlyValidPdu);

/** The invariants every successful decode must satisfy (AP 6 limits, range inside 0..65535). */
function expectWithinLimits(r: ValidRequest): void {
  const inside = (address: number, quantity: number) => address >= 0 && address + quantity <= Limits.addressSpace;
  switch (r.kind) {
    case 'readCoils':
    case 'readDiscreteInputs':
      expect(r.quantity).toBeGreaterThanOrEqual(1);
      expect(r.quantity).toBeLessThanOrEqual(Limits.readBitsMax);
      expect(inside(r.address, r.quantity)).toBe(true);
      break;
    case 'readHoldingRegisters':
    case 'readInputRegisters':
      expect(r.quantity).toBeGreaterThanOrEqual(1);
      expect(r.quantity).toBeLessThanOrEqual(Limits.readRegistersMax);
      expect(inside(r.address, r.quantity)).toBe(true);
      break;
    case 'writeMultipleCoils':
      expect(r.quantity).toBeGreaterThanOrEqual(1);
      expect(r.quantity).toBeLessThanOrEqual(Limits.writeCoilsMax);
      expect(r.values.length).toBe(r.quantity);
      expect(r.values.every((v) => v === 0 || v === 1)).toBe(true);
      expect(inside(r.address, r.quantity)).toBe(true);
      break;
    case 'writeMultipleRegisters':
      expect(r.quantity).toBeGreaterThanOrEqual(1);
      expect(r.quantity).toBeLessThanOrEqual(Limits.writeRegistersMax);
      expect(r.values.length).toBe(r.quantity);
      expect(inside(r.address, r.quantity)).toBe(true);
      break;
    case 'readWriteMultipleRegisters':
      expect(r.readQuantity).toBeGreaterThanOrEqual(1);
      expect(r.readQuantity).toBeLessThanOrEqual(Limits.readWriteReadMax);
      expect(r.writeQuantity).toBeGreaterThanOrEqual(1);
      expect(r.writeQuantity).toBeLessThanOrEqual(Limits.readWriteWriteMax);
      expect(r.values.length).toBe(r.writeQuantity);
      expect(inside(r.readAddress, r.readQuantity) && inside(r.writeAddress, r.writeQuantity)).toBe(true);
      break;
    case 'readDeviceIdentification':
      expect(r.readDeviceIdCode).toBeGreaterThanOrEqual(1);
      expect(r.readDeviceIdCode).toBeLessThanOrEqual(4);
      break;
    default:
      break;
  }
}

describe('decodeRequest properties', () => {
  it('never throws on arbitrary bytes; an invalid request carries its function code and 01, 02 or 03', () => {
    run(
      fc.property(anyPdu, (pdu) => {
        const r = decodeRequest(pdu);
        expect(r.functionCode).toBe(pdu.length > 0 ? pdu[0] : 0);
        if (r.kind === 'invalid') expect([1, 2, 3]).toContain(r.exception);
      }),
      1000,
    );
  });

  it('decodeRequest(encodeRequest(r)) deep-equals r for every valid request', () => {
    run(fc.property(validRequest, (r) => void expect(decodeRequest(encodeRequest(r))).toEqual(r)), 500);
  });

  it('decoded quantities are always within the limits, and re-encode to a PDU that decodes the same', () => {
    run(
      fc.property(anyPdu, (pdu) => {
        const r = decodeRequest(pdu);
        if (r.kind === 'invalid') return;
        expectWithinLimits(r);
        expect(decodeRequest(encodeRequest(r))).toEqual(r);
      }),
      1500,
    );
  });

  it('the nearly-valid generator does reach both outcomes (so the property above tests something)', () => {
    const samples = fc.sample(nearlyValidPdu, { seed: SEED, numRuns: 500 }).map(decodeRequest);
    expect(samples.some((r) => r.kind === 'invalid')).toBe(true);
    expect(samples.filter((r) => r.kind !== 'invalid').length).toBeGreaterThan(50);
  });
});

describe('scanFrame properties', () => {
  it('never throws on arbitrary bytes at any offset, and every result is self-consistent', () => {
    run(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), (buf, at) => {
        const offset = buf.length === 0 ? 0 : at % (buf.length + 1);
        const scan = scanFrame(buf, offset);
        const length = buf.length - offset >= 6 ? (buf[offset + 4]! << 8) | buf[offset + 5]! : -1;
        switch (scan.kind) {
          case 'need-more':
            expect(length === -1 || (length >= 2 && length <= 254 && offset + 6 + length > buf.length)).toBe(true);
            break;
          case 'bad-length':
            expect(scan.length).toBe(length);
            expect(length < 2 || length > 254).toBe(true);
            break;
          case 'discard':
            expect(scan.end).toBe(offset + 6 + length);
            expect(scan.end).toBeLessThanOrEqual(buf.length);
            expect(scan.protocolId).not.toBe(0);
            break;
          case 'frame':
            expect(scan.pduStart).toBe(offset + 7);
            expect(scan.end).toBe(offset + 6 + length);
            expect(scan.end).toBeLessThanOrEqual(buf.length);
            expect(scan.end - scan.pduStart).toBeGreaterThanOrEqual(1);
            break;
        }
      }),
      2000,
    );
  });

  it('any sequence of valid ADUs, cut into arbitrary chunks, frames back to the same requests', () => {
    const adu = fc.tuple(u16, fc.integer({ min: 0, max: 0xff }), validRequest).map(([tid, unit, r]) => ({ tid, unit, pdu: encodeRequest(r) }));
    run(
      fc.property(fc.array(adu, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (adus, cuts) => {
        const stream = concat(...adus.map((a) => encodeAdu(a.tid, a.unit, a.pdu)));
        const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
        const seen: { tid: number; unit: number; pdu: Uint8Array }[] = [];
        let buf: Uint8Array = new Uint8Array(0);
        let from = 0;
        for (const to of [...points, stream.length]) {
          buf = concat(buf, stream.subarray(from, to));
          from = to;
          let offset = 0;
          for (;;) {
            const scan = scanFrame(buf, offset);
            if (scan.kind !== 'frame') {
              expect(scan.kind).toBe('need-more');
              break;
            }
            seen.push({ tid: scan.transactionId, unit: scan.unitId, pdu: buf.slice(scan.pduStart, scan.end) });
            offset = scan.end;
          }
          buf = buf.slice(offset);
        }
        expect(buf.length).toBe(0);
        expect(seen).toEqual(adus);
      }),
      200,
    );
  });
});
