import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

/** socat is what makes a pseudo-terminal pair; CI installs it (.ci/run). */
export const socatAvailable = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
export const SOCAT_MISSING = 'SKIPPED: socat is not installed (apt-get install -y socat; .ci/run installs it)';

export interface PtyPair {
  /** The two ends: bytes written to one are read from the other. */
  readonly a: string;
  readonly b: string;
  close(): Promise<void>;
}

/**
 * A pseudo-terminal pair from `socat -d -d pty,raw,echo=0 pty,raw,echo=0`: a serial line without
 * baud timing. Its paths come from socat's stderr (`N PTY is /dev/pts/5`), within a second.
 */
export function ptyPair(): Promise<PtyPair> {
  const child: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const paths: string[] = [];
    let text = '';
    const timeout = setTimeout(() => {
      void close();
      reject(new Error(`socat named ${paths.length} of 2 pseudo-terminals within 1 s; it said: ${text}`));
    }, 1000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      for (const m of text.matchAll(/PTY is (\S+)/g)) if (!paths.includes(m[1]!)) paths.push(m[1]!);
      if (paths.length === 2) {
        clearTimeout(timeout);
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve({ a: paths[0]!, b: paths[1]!, close });
      }
    });
    child.once('error', (error) => {
      clearTimeout(timeout);
      reject(error);
    });
  });
}
