import { exception } from '../../pipeline/compose.js';
import { exceptionCodeOf } from '../../protocol/constants.js';
import type { ActionFactory } from '../action.js';


/** `exception: 6` / `exception: serverDeviceBusy`: the request is not carried out; the client gets the exception. */
export const exceptionAction: ActionFactory<number | string> = (code) => {
  const outcome = exception(typeof code === 'number' ? code : exceptionCodeOf(code)!);
  return () => () => outcome;
};
