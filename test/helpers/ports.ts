import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago (bound, then released), for a profile or flag that
 * names a fixed port. Another process could take it in between; on loopback that is unlikely.
 */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((done, fail) => {
    s.once('error', fail);
    s.listen(0, '127.0.0.1', done);
  });
  const { port } = s.address() as { port: number };
  await new Promise<void>((done) => s.close(() => done()));
  return port;
}
