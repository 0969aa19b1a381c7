import { describe, expect, it } from 'vitest';
import { describeListenError } from '../../src/cli/errors.js';

const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('listen failures become sentences a person can act on', () => {
  it.each([
    // [errno code, what the message must say]
    ['EADDRINUSE', /127\.0\.0\.1:5020: the port is already in use \(pick another with --port\)/],
    ['EACCES', /127\.0\.0\.1:502: permission denied \(ports below 1024 need root; use --port 5020\)/],
    ['EADDRNOTAVAIL', /no such local address \(check --host\)/],
    ['EWHATEVER', /127\.0\.0\.1:5020: EWHATEVER/],
  ])('%s', (code, expected) => {
    const port = code === 'EACCES' ? 502 : 5020;
    expect(describeListenError(errno(code), '127.0.0.1', port)).toMatch(expected);
  });
});
