// node scripts/bench-rtu.mjs [--pairs 3] [--seconds 2] [--before DIR]: the server's CPU per request
// on Modbus/TCP (MBAP) and on RTU over TCP, measured in pairs (MBAP, RTU, MBAP, RTU, ...) so a
// machine whose load drifts affects both alike; `--before DIR` adds MBAP served by another build
// (DIR/dist, e.g. the code before a change) to each round, to check that MBAP did not get slower. The built emulator (dist/, `npm run build`) serves a 10-register
// device in a child process, which reports its own CPU time (process.cpuUsage) over the run; this
// process drives it with 4 connections, each keeping 16 reads of 10 holding registers in flight.
// The Node load generator bounds the throughput, not the CPU per request, which is what is
// compared. A manual tool: it never runs in CI or in the test suite.
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';

const PROFILE = { version: 1, blocks: [{ table: 'holding', address: 0, length: 10 }] };
const CONNECTIONS = 4;
const DEPTH = 16;

if (process.argv[2] === 'serve') {
  const dist = process.argv[4];
  const { startEmulator } = await import(`${dist}/index.js`);
  const { silentLogger } = await import(`${dist}/log.js`);
  const transport = process.argv[3];
  const emulator = await startEmulator({ profile: PROFILE, logger: silentLogger, journal: false, transport });
  let started;
  process.on('message', (m) => {
    if (m === 'start') started = process.cpuUsage();
    if (m === 'stop') {
      const used = process.cpuUsage(started);
      process.send({ cpuUs: used.user + used.system });
    }
    if (m === 'exit') void emulator.close().then(() => process.exit(0));
  });
  process.send({ port: emulator.port });
} else {
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const pairs = option('--pairs', 3);
  const seconds = option('--seconds', 2);
  const beforeAt = args.indexOf('--before');
  const own = fileURLToPath(new URL('../dist', import.meta.url));
  const series = [
    { label: 'MBAP', transport: 'tcp', dist: own },
    { label: 'RTU over TCP', transport: 'rtu-over-tcp', dist: own },
    ...(beforeAt >= 0 ? [{ label: 'MBAP (before)', transport: 'tcp', dist: `${args[beforeAt + 1]}/dist` }] : []),
  ];
  const { encodeRtu } = await import('../dist/protocol/rtu.js');
  const pdu = Uint8Array.of(0x03, 0x00, 0x00, 0x00, 0x0a);
  const FRAMES = {
    // MBAP: tid 1, protocol 0, length 6, unit 1; the reply: 7 + 2 + 20 bytes.
    tcp: { request: Uint8Array.of(0, 1, 0, 0, 0, 6, 1, ...pdu), replyBytes: 29 },
    // RTU: unit 1, PDU, CRC; the reply: 1 + 2 + 20 + 2 bytes.
    'rtu-over-tcp': { request: encodeRtu(1, pdu), replyBytes: 25 },
  };

  /** Runs one server for `seconds` under load: requests answered and the server's CPU µs. */
  async function run(transport, dist) {
    const child = fork(fileURLToPath(import.meta.url), ['serve', transport, dist], { stdio: 'inherit' });
    const next = () => new Promise((resolve) => child.once('message', resolve));
    const { port } = await next();
    const { request, replyBytes } = FRAMES[transport];
    const burst = Buffer.concat(Array.from({ length: DEPTH }, () => request));
    let answered = 0;
    let running = true;
    const sockets = await Promise.all(
      Array.from({ length: CONNECTIONS }, () => new Promise((resolve) => {
        const s = connect({ host: '127.0.0.1', port, noDelay: true }, () => resolve(s));
        let pending = 0;
        s.on('data', (chunk) => {
          pending += chunk.length;
          // Another burst once the last one is answered: DEPTH requests in flight.
          while (pending >= replyBytes * DEPTH) {
            pending -= replyBytes * DEPTH;
            answered += DEPTH;
            if (running) s.write(burst);
          }
        });
      })),
    );
    // Warm-up, then the measured run.
    for (const s of sockets) s.write(burst);
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.send('start');
    const before = answered;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    child.send('stop');
    const { cpuUs } = await next();
    const requests = answered - before;
    running = false;
    for (const s of sockets) s.destroy();
    child.send('exit');
    await new Promise((resolve) => child.once('exit', resolve));
    return { requests, cpuUs };
  }

  const results = series.map(() => []);
  for (let i = 0; i < pairs; i++) {
    // The order turns every round, so no series always runs first.
    for (let k = 0; k < series.length; k++) {
      const j = (k + i) % series.length;
      const r = await run(series[j].transport, series[j].dist);
      results[j].push(r.cpuUs / r.requests);
      console.log(`${series[j].label.padEnd(14)} round ${i + 1}: ${r.requests} requests, ${(r.cpuUs / r.requests).toFixed(3)} µs CPU per request`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const base = median(results[0]);
  for (let j = 0; j < series.length; j++) {
    const m = median(results[j]);
    console.log(`median ${series[j].label}: ${m.toFixed(3)} µs CPU per request (${j === 0 ? 'the reference' : `${(((m - base) / base) * 100).toFixed(1)} % against MBAP`})`);
  }
}
