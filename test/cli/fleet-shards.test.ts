import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { cli } from '../helpers/cli.js';

// A device that says who it is: its `tag` parameter, as a string in holding registers 0..7.
const PROFILE = `version: 1
name: tagged
params: { tag: none }
points:
  tag: { type: string, registers: 8, address: 0, value: "{tag}" }
`;

const SHARDS = 3;
/** 150 devices on ports of their own, and 30 ports with 5 devices each behind them as unit ids: 300 devices, 180 listeners. */
const fleetFile = (base: number): string => `version: 1
seed: 11
fleet:
  - profile: tagged.yaml
    count: 150
    id: "own-{i}"
    port: ${base}
    params: { tag: "own-{i}" }
  - profile: tagged.yaml
    count: 30
    units: [1, 2, 3, 7, 247]
    id: "gw-{port}-{unit}"
    port: ${base + 150}
    params: { tag: "gw-{port}-{unit}" }
`;

/** 180 consecutive ports below 32768 (outside Linux's ephemeral range) that all bind now. */
async function freeBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 12000 / 10) * 10;
    const servers = [];
    let free = true;
    for (let p = base; p < base + 180 && free; p++) {
      const s = createServer();
      free = await new Promise<boolean>((done) => {
        s.once('error', () => done(false));
        s.listen(p, '127.0.0.1', () => done(true));
      });
      servers.push(s);
    }
    await Promise.all(servers.map((s) => new Promise((done) => s.close(done))));
    if (free) return base;
  }
  throw new Error('no 180 free consecutive ports below 32768');
}

/** FC 3 of 8 registers at 0 from `unit` on 127.0.0.1:`port`: the string they hold; rejects after 1 s naming what was missing. */
function readTag(socket: Socket, unit: number, transaction: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no reply from unit ${unit} on port ${socket.remotePort} within 1 s`)), 1000);
    socket.once('data', (reply) => {
      clearTimeout(timer);
      if (reply.length !== 9 + 16 || reply[7] !== 3) return reject(new Error(`unit ${unit} on port ${socket.remotePort} answered ${reply.toString('hex')}`));
      resolve(reply.subarray(9).toString('latin1').replace(/\0+$/, ''));
    });
    socket.write(Uint8Array.of(transaction >> 8, transaction & 0xff, 0, 0, 0, 6, unit, 3, 0, 0, 0, 8));
  });
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`cannot connect to port ${port} within 1 s`))), 1000);
    socket.once('connect', () => (clearTimeout(timer), resolve(socket)));
    socket.once('error', (error) => (clearTimeout(timer), reject(error)));
  });
}

interface Row { id: string; shard: number; host: string; port: number; unit: number | null }

describe('a 300-device fleet in 3 shards', () => {
  it('serves every device exactly once, where `fleet plan` says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modbus-emu-fleet-'));
    const base = await freeBase();
    writeFileSync(join(dir, 'tagged.yaml'), PROFILE);
    writeFileSync(join(dir, 'fleet.yaml'), fleetFile(base));

    let planText = '';
    let planErrors = '';
    const code = await run(['fleet', 'plan', 'fleet.yaml', '--shards', String(SHARDS)], { stdout: (t) => (planText += t), stderr: (t) => (planErrors += t), cwd: dir });
    expect(planErrors).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(planText) as Row[];
    expect(plan).toHaveLength(300);
    expect(new Set(plan.map((r) => r.id)).size).toBe(300);

    // Each shard in its own CLI run, as each pod runs one: what each announces it listens on.
    const shards = Array.from({ length: SHARDS }, (_, s) => cli(['fleet.yaml', '--shard', `${s}/${SHARDS}`, '--ready-json', '--no-watch'], { cwd: dir }));
    const listeners = await Promise.all(
      shards.map(async (c, s) => {
        const expected = new Set(plan.filter((r) => r.shard === s).map((r) => r.port)).size;
        await c.until(() => c.out.stdout.split('\n').filter(Boolean).length >= expected || c.out.stderr.includes('not started'));
        return c.out.stdout.split('\n').filter(Boolean).map((l) => ({ shard: s, ...(JSON.parse(l) as { port: number; id: string | null; units?: Record<string, string> }) }));
      }),
    );
    // Who says it serves each device: exactly the shard of the plan, and nobody else.
    const servedBy = new Map<string, { shard: number; port: number; unit: number | null }[]>();
    for (const l of listeners.flat()) {
      const devices: [string, number | null][] = l.units ? Object.entries(l.units).map(([unit, id]) => [id, Number(unit)]) : [[l.id!, null]];
      for (const [id, unit] of devices) servedBy.set(id, [...(servedBy.get(id) ?? []), { shard: l.shard, port: l.port, unit }]);
    }
    for (const row of plan) expect(servedBy.get(row.id), row.id).toEqual([{ shard: row.shard, port: row.port, unit: row.unit }]);
    expect(servedBy.size).toBe(300);

    // And over Modbus: the device at each planned address is the one the plan names.
    const byPort = new Map<number, Row[]>();
    for (const r of plan) byPort.set(r.port, [...(byPort.get(r.port) ?? []), r]);
    let transaction = 0;
    for (const [port, rows] of byPort) {
      const socket = await open(port);
      try {
        for (const row of rows) expect(await readTag(socket, row.unit ?? 1, ++transaction)).toBe(row.id);
      } finally {
        socket.destroy();
      }
    }
    // A unit id with no device behind a shared port answers 0x0B, as a gateway without that target.
    const socket = await open(base + 150);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply for unit 9 within 1 s')), 1000);
      socket.once('data', (d) => (clearTimeout(timer), resolve(d)));
      socket.write(Uint8Array.of(0, 1, 0, 0, 0, 6, 9, 3, 0, 0, 0, 1));
    });
    socket.destroy();
    expect(reply.toString('hex')).toBe('000100000003098' + '30b');
  });
});
