import { SILENCE } from '../../pipeline/compose.js';
import type { ActionFactory } from '../action.js';

/** `noResponse: true`: the request is not carried out and nothing is sent; the client times out. */
export const noResponseAction: ActionFactory<true> = () => () => () => SILENCE;
