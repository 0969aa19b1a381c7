import type { ByteOrder } from '../model/values.js';
import type { Addressing } from '../profile/types.generated.js';
import type { Access } from '../model/types.js';
import type { Path, Reporter } from './report.js';

/** What compiling one device's points and blocks needs to know about where they are. */
export interface DeviceContext {
  readonly report: Reporter;
  /** Path of the object holding `points` and `blocks` (`[]`, `['units', 2]`, `['templates', 'meter']`). */
  readonly path: Path;
  readonly addressing: Addressing;
  /** Word order of points that do not give their own. */
  readonly byteOrder: ByteOrder;
  /** The device's `access` (unit > template > profile): the default of points and blocks in coils and holding registers. */
  readonly access: Access | undefined;
  readonly sameAsHolding: boolean;
}
