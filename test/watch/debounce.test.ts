import { describe, expect, it } from 'vitest';
import { ManualTimer } from '../../src/runtime/timers.js';
import { debounce } from '../../src/watch/debounce.js';

/** The reload rule: the last poke of a burst closer than the debounce runs once; pokes further apart each run. */
describe('debounce', () => {
  const setup = () => {
    const timer = new ManualTimer();
    const runs: number[] = [];
    const d = debounce(timer, 50, () => runs.push(timer.now()));
    return { timer, runs, d };
  };

  it('a burst of pokes closer together than 50 ms runs once, 50 ms after the last', () => {
    const { timer, runs, d } = setup();
    for (let i = 0; i < 5; i++) {
      d.poke();
      timer.advance(20);
    }
    expect(runs).toEqual([]);
    timer.advance(30); // 50 ms after the fifth poke at 80
    expect(runs).toEqual([130]);
  });

  it('pokes further apart than 50 ms each run', () => {
    const { timer, runs, d } = setup();
    d.poke();
    timer.advance(60);
    d.poke();
    timer.advance(60);
    expect(runs).toEqual([50, 110]);
  });

  it('cancel() drops a pending run', () => {
    const { timer, runs, d } = setup();
    d.poke();
    d.cancel();
    timer.advance(100);
    expect(runs).toEqual([]);
  });
});
