import { describe, expect, it } from 'vitest';

// A variable specifier: the bench's modules are plain JS without type declarations.
const modulePath = new URL('../../bench/options.mjs', import.meta.url).href;

interface Group {
  role?: string;
  conns: number;
  depth: number;
  fc: number;
  start: number;
  qty: number;
  unit: number;
}
interface Workload {
  name: string;
  duration?: number;
  groups: Group[];
}
interface Plan {
  reps: number;
  duration: number;
  workloads: Workload[];
  profile?: string;
  portBase: number;
  targetCmdB?: string;
  peers: string[];
  peersDir?: string;
}
const { parseBenchArgs, parseWorkload, describeGroup } = (await import(modulePath)) as {
  parseBenchArgs(argv: string[], env?: Record<string, string>): Plan;
  parseWorkload(spec: string, index?: number): Workload;
  describeGroup(g: Group): string;
};

const group = (g: Partial<Group>): Group => ({ role: undefined, conns: 1, depth: 1, fc: 3, start: 0, qty: 100, unit: 1, ...g });

describe('--workload', () => {
  it.each([
    ['fc=3,start=0,qty=100,conns=16,depth=1,duration=5', { name: 'X1', duration: 5, groups: [group({ conns: 16 })] }],
    ['fc=4,start=0x10,qty=125,conns=2,depth=8,unit=7', { name: 'X1', duration: undefined, groups: [group({ fc: 4, start: 16, qty: 125, conns: 2, depth: 8, unit: 7 })] }],
    ['fc=1,qty=2000', { name: 'X1', duration: undefined, groups: [group({ fc: 1, qty: 2000 })] }],
    ['W3', { name: 'W3', duration: undefined, groups: [group({ conns: 16, depth: 8 })] }],
    ['w5,duration=9', { name: 'W5', duration: 9, groups: [group({ conns: 16, fc: 16, qty: 50 })] }],
    ['W2,qty=125', { name: 'X1', duration: undefined, groups: [group({ conns: 16, qty: 125 })] }],
    ['W2,qty=125,name=big', { name: 'big', duration: undefined, groups: [group({ conns: 16, qty: 125 })] }],
    ['mixed', { name: 'MIXED', duration: undefined, groups: [group({ role: 'pipelined', depth: 1024 }), group({ role: 'req/resp', conns: 16 })] }],
    ['mixed,depth=256,conns=4,fc=16,qty=10', {
      name: 'MIXED',
      duration: undefined,
      groups: [group({ role: 'pipelined', depth: 256, fc: 16, qty: 10 }), group({ role: 'req/resp', conns: 4, fc: 16, qty: 10 })],
    }],
  ])('%s', (spec, expected) => {
    expect(parseWorkload(spec)).toEqual(expected);
  });

  it.each([
    ['fc=5', 'fc must be one of 1, 2, 3, 4, 16'],
    ['fc=3,qty=126', "qty 126 is above FC 3's maximum of 125"],
    ['fc=16,qty=124', "qty 124 is above FC 16's maximum of 123"],
    ['start=65500,qty=100', 'start + qty is past address 65535'],
    ['depth=1025', 'depth: 1025 is outside 1..1024'],
    ['conns=0', 'conns: 0 is outside 1..60000'],
    ['qty=1.5', 'qty: "1.5" is not a whole number'],
    ['qty=-1', 'qty: "-1" is not a whole number'],
    ['qty=10,qty=20', 'qty is given twice'],
    ['W9', 'unknown preset "W9" (presets: W1, W2, W3, W4, W5, mixed; or key=value items)'],
    ['fc=3,W2', '"W2" is not key=value'],
    ['fc=3,,qty=1', 'empty item'],
    ['fc=3,pipeline=4', 'unknown key "pipeline" (keys: fc, start, qty, conns, depth, unit, duration, name)'],
    ['name=a b', 'name must be 1-40 letters, digits, . _ -'],
  ])('%s is refused: %s', (spec, message) => {
    expect(() => parseWorkload(spec)).toThrow(message);
  });

  it('describes a group in the words of the table in docs/performance.md', () => {
    expect(describeGroup(group({ conns: 16, depth: 8 }))).toBe('16 conn × 8 pipelined, FC3 read 100 at 0');
    expect(describeGroup(group({ conns: 16, fc: 16, qty: 50, unit: 2 }))).toBe('16 conn, FC16 write 50 at 0, unit 2');
  });
});

describe('npm run bench options', () => {
  it('defaults to W1-W5, 2 reps × 5 s, ports from 15100, no peers', () => {
    const plan = parseBenchArgs([]);
    expect(plan.workloads.map((w) => [w.name, w.duration])).toEqual([['W1', 5], ['W2', 5], ['W3', 5], ['W4', 5], ['W5', 5]]);
    expect(plan).toMatchObject({ reps: 2, duration: 5, portBase: 15100, peers: [], profile: undefined });
  });

  it('takes repeated --workload, a workload keeps its own duration, the others get --duration', () => {
    const plan = parseBenchArgs(['--duration', '3', '--workload', 'W1', '--workload=mixed,duration=8', '--workload', 'fc=4']);
    expect(plan.workloads.map((w) => [w.name, w.duration])).toEqual([['W1', 3], ['MIXED', 8], ['X3', 3]]);
  });

  it('--quick is 1 rep × 2 s and conflicts with --reps and --duration', () => {
    expect(parseBenchArgs(['--quick'])).toMatchObject({ reps: 1, duration: 2 });
    expect(() => parseBenchArgs(['--quick', '--reps', '3'])).toThrow('--quick sets --reps 1 --duration 2');
  });

  it('reads --profile, --port-base, --target-cmd-b, --peers and BENCH_DIR', () => {
    const plan = parseBenchArgs(
      ['--profile', 'devices/pump.yaml', '--port-base', '15150', '--target-cmd-b', 'node /x/bin/modbus-emu.js', '--peers', 'libmodbus'],
      { BENCH_DIR: '/shared/bench' },
    );
    expect(plan).toMatchObject({
      profile: 'devices/pump.yaml',
      portBase: 15150,
      targetCmdB: 'node /x/bin/modbus-emu.js',
      peers: ['libmodbus'],
      peersDir: '/shared/bench',
    });
  });

  it.each([
    [['--reps'], '--reps needs a value'],
    [['--reps', '0'], '--reps: 0 is outside 1..100'],
    [['--reps', '2', '--reps', '3'], '--reps is given twice'],
    [['--peers', 'modbus-tk'], '--peers: unknown modbus-tk (known: libmodbus, pymodbus, modbus-serial, jsmodbus)'],
    [['--workload', 'W2', '--workload', 'W2'], 'two workloads are named W2: give one of them name=...'],
    [['--servers', 'x'], 'unknown option --servers (see --help)'],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });
});
