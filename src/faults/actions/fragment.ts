import type { WireChunk } from '../../pipeline/types.js';
import type { FaultAction } from '../../profile/types.generated.js';
import { durationMs } from '../duration.js';
import { mapOutcome, replyFrame, type ActionFactory } from '../action.js';

/**
 * `fragment: { size, pieces, gap }`: the reply's bytes in pieces, each sent `gap` after the
 * previous one (the first too). The server sets no-delay, so each piece is its own segment.
 */
export const fragmentAction: ActionFactory<NonNullable<FaultAction['fragment']>> = (p) => {
  const gap = Math.round(durationMs(p.gap ?? 10));
  const size = p.size ?? 1;
  return (next) => (x) =>
    mapOutcome(next(x), (o) => {
      const bytes = replyFrame(x, o);
      if (!bytes) return o;
      const chunks: WireChunk[] = [];
      let offset = 0;
      for (let i = 0; offset < bytes.length; i++) {
        const n = p.pieces ? (p.pieces[i] ?? bytes.length - offset) : size;
        chunks.push({ bytes: bytes.subarray(offset, offset + n), delayMs: gap });
        offset += n;
      }
      return { kind: 'wire', chunks };
    });
};
