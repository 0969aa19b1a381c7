/**
 * One ceiling on the connections open across every listener of a process (runtime/descriptors.ts
 * sizes it from the open-file limit). Listeners that share a pool take connections from it as
 * clients come, so one busy device may hold most of it while 10,000 quiet ones hold none; a device's
 * own `maxConnections` still applies within it. Counted from accept until the socket is closed.
 */
export class ConnectionPool {
  /** Connections held now by the listeners sharing the pool. */
  open = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`connection pool: ${String(limit)} is not a whole number of connections above 0`);
  }

  get full(): boolean {
    return this.open >= this.limit;
  }
}
