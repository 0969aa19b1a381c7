import { describe, expect, it } from 'vitest';
import type { LogLevel } from '../../src/log.js';
import { ManualTimer } from '../../src/runtime/timers.js';
import { WarnLimiter } from '../../src/server/warn-limit.js';

function setup(unlimited = false): { timer: ManualTimer; lines: string[]; limiter: WarnLimiter } {
  const timer = new ManualTimer();
  const lines: string[] = [];
  const logger = { log: (level: LogLevel, message: string) => lines.push(`${level}: ${message}`) };
  return { timer, lines, limiter: new WarnLimiter(logger, timer, unlimited) };
}

describe('WarnLimiter (manual timer)', () => {
  it('logs the first 5 lines of a kind, then one count per 5 s window', () => {
    const { timer, lines, limiter } = setup();
    for (let i = 1; i <= 1239; i++) limiter.log('warn', 'bad frames', `bad frame ${i}`);
    expect(lines).toEqual(['warn: bad frame 1', 'warn: bad frame 2', 'warn: bad frame 3', 'warn: bad frame 4', 'warn: bad frame 5']);
    timer.advance(4999);
    expect(lines).toHaveLength(5);
    timer.advance(1);
    expect(lines.slice(5)).toEqual(['warn: … 1,234 more bad frames in the last 5 s']);
    // A new window: its first lines go out again.
    limiter.log('warn', 'bad frames', 'bad frame 1240');
    expect(lines.at(-1)).toBe('warn: bad frame 1240');
  });

  it('counts each kind on its own, and says nothing when nothing was held back', () => {
    const { timer, lines, limiter } = setup();
    for (let i = 0; i < 7; i++) limiter.log('warn', 'refused connections', 'refused');
    limiter.log('info', 'discarded frames', 'discarded');
    expect(lines).toHaveLength(6);
    timer.advance(5000);
    expect(lines.slice(6)).toEqual(['warn: … 2 more refused connections in the last 5 s']);
    expect(timer.size).toBe(0);
  });

  it('holds nothing back at -vv', () => {
    const { timer, lines, limiter } = setup(true);
    for (let i = 0; i < 100; i++) limiter.log('warn', 'bad frames', 'x');
    expect(lines).toHaveLength(100);
    expect(timer.size).toBe(0);
  });

  it('flush() reports what is held back and cancels its windows', () => {
    const { timer, lines, limiter } = setup();
    for (let i = 0; i < 8; i++) limiter.log('warn', 'bad frames', 'x');
    limiter.flush();
    expect(lines.at(-1)).toBe('warn: … 3 more bad frames in the last 5 s');
    expect(timer.size).toBe(0);
  });
});
