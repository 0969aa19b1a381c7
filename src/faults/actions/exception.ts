import { exception } from '../../pipeline/compose.js';
import type { ActionFactory } from '../action.js';

/** Exception names of the profile (AP 7); any other code 1..255 is given as a number. */
export const EXCEPTION_NAMES: Readonly<Record<string, number>> = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  acknowledge: 0x05,
  serverDeviceBusy: 0x06,
  memoryParityError: 0x08,
  gatewayPathUnavailable: 0x0a,
  gatewayTargetFailedToRespond: 0x0b,
};

/** `exception: 6` / `exception: serverDeviceBusy`: the request is not carried out; the client gets the exception. */
export const exceptionAction: ActionFactory<number | string> = (code) => {
  const outcome = exception(typeof code === 'number' ? code : EXCEPTION_NAMES[code]!);
  return () => () => outcome;
};
