import { connect } from 'node:net';

/**
 * What a TCP connect to 127.0.0.1:`port` meets: 'refused' (nothing listens), 'closed' (accepted,
 * then closed or reset by the server within a second without a byte), or 'open' (still open
 * after `openMs`: served, or held unanswered).
 */
export function connectOutcome(port: number, openMs = 100): Promise<'refused' | 'closed' | 'open'> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let refused = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${port}: neither accepted nor refused within 1 s`));
    }, 1000);
    let settled = false;
    const done = (outcome: 'refused' | 'closed' | 'open'): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    socket.on('error', (error: NodeJS.ErrnoException) => {
      refused = error.code === 'ECONNREFUSED';
    });
    socket.once('connect', () => setTimeout(() => done('open'), openMs));
    // A reset may come before the client has seen its connect: any close but a refusal is 'closed'.
    socket.once('close', () => done(refused ? 'refused' : 'closed'));
  });
}
