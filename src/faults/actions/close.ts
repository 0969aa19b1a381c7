import type { Outcome } from '../../pipeline/types.js';
import type { ActionFactory } from '../action.js';

/** `close: fin | rst`: replies already due go out, then the connection closes (FIN) or is reset (RST). */
export const closeAction: ActionFactory<'fin' | 'rst'> = (how) => {
  const outcome: Outcome = Object.freeze({ kind: 'close', how: how === 'fin' ? 'end' : 'reset' });
  return () => () => outcome;
};
