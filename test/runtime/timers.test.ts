import { describe, expect, it } from 'vitest';
import { ManualTimer, realTimer } from '../../src/runtime/timers.js';

describe('Timer.defer', () => {
  it('ManualTimer: runDeferred runs one turn, in order; calls deferred during it wait for the next; a cancelled call never runs', () => {
    const timer = new ManualTimer();
    const ran: string[] = [];
    timer.defer(() => {
      ran.push('a');
      timer.defer(() => ran.push('c'));
      cancelled.cancel();
    });
    const cancelled = timer.defer(() => ran.push('never'));
    timer.defer(() => ran.push('b'));
    expect(timer.deferredCount).toBe(3);
    timer.advance(1000); // time does not run deferred calls: only runDeferred does
    expect(ran).toEqual([]);
    expect(timer.runDeferred()).toBe(2);
    expect(ran).toEqual(['a', 'b']);
    expect(timer.runDeferred()).toBe(1);
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(timer.deferredCount).toBe(0);
  });

  it('realTimer: runs after the current turn, and not at all once cancelled', async () => {
    const ran: string[] = [];
    realTimer.defer(() => ran.push('deferred'));
    realTimer.defer(() => ran.push('cancelled')).cancel();
    ran.push('now');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['now', 'deferred']);
  });
});
