import { hostPort } from '../runtime/runtime.js';

/** Turns a listen() failure into a sentence a person can act on; `flag` is the option that sets this address. */
export function describeListenError(error: unknown, host: string, port: number, flag: '--port' | '--control' = '--port'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EADDRINUSE':
      return `cannot listen on ${hostPort(host, port)}: the port is already in use (pick another with ${flag})`;
    case 'EACCES':
      return `cannot listen on ${hostPort(host, port)}: permission denied (ports below 1024 need root; use ${flag === '--port' ? '--port 5020' : '--control 8502'})`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${hostPort(host, port)}: no such local address (check --host)`;
    default:
      return `cannot listen on ${hostPort(host, port)}: ${(error as Error)?.message ?? String(error)}`;
  }
}
