/** Pure Modbus TCP codec: bytes in, values out. No I/O, no timers, no state. */
export * from './constants.js';
export * from './mbap.js';
export * from './rtu.js';
export type { FrameLayout, Framing, StreamScan } from './framing.js';
export { encodeFrame } from './framing.js';
export * from './request.js';
export * from './functions.js';
export * from './response.js';
export * from './device-id.js';
