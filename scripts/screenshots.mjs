// Screenshots of the web view for the docs: docs/images/web-view.png (desktop) and
// docs/images/web-view-tablet.png. Reproducible: the bundled pump on a manual clock and a fixed
// seed, moved by the page's own buttons; only the ephemeral TCP ports differ between runs.
//
//   npm run build && node scripts/screenshots.mjs
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ModbusSerial from 'modbus-serial';
import { findChromium, launchChromium, CHROMIUM_VARIABLE } from './chromium.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}docs/images`;
const SEED = 7;
const WAIT_MS = 10_000;

const executable = findChromium();
if (!executable) {
  console.error(`no Chromium found: apt-get install chromium, or set ${CHROMIUM_VARIABLE}`);
  process.exit(1);
}

const emulator = spawn(process.execPath, [`${ROOT}bin/modbus-emu.js`, `${ROOT}devices/pump.yaml`, '--port', '0', '--control', '127.0.0.1:0', '--journal', '--clock', 'manual', '--seed', String(SEED), '--ready-json'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise((resolve, reject) => {
  emulator.once('exit', (code) => reject(new Error(`modbus-emu exited (${code}) before it was ready`)));
  createInterface({ input: emulator.stdout }).once('line', (line) => resolve(JSON.parse(line)));
});

const browser = await launchChromium(executable);
const client = new ModbusSerial();
try {
  await client.connectTCP('127.0.0.1', { port: ready.port });
  client.setID(1);
  client.setTimeout(1000);
  mkdirSync(OUT, { recursive: true });
  const page = await browser.context.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(WAIT_MS);
  await page.goto(ready.control);
  await page.locator('#live', { hasText: 'live' }).waitFor();

  // Start the pump from standstill (CiA 402: enable operation off, then on) so the plots show a ramp.
  await page.getByRole('button', { name: 'controlWord', exact: true }).click();
  await write(page, '7');
  for (const name of ['outputFrequency', 'motorCurrent', 'lineVoltage']) {
    await page.getByRole('button', { name, exact: true }).click();
    await page.getByRole('button', { name: 'Add to the large plot' }).click();
  }
  let seconds = 0;
  const advance = async (label, ms) => {
    await page.getByRole('button', { name: label }).click();
    seconds += ms / 1000;
    await page.locator(`#live[data-time="${seconds * 1000}"]`).waitFor(); // the stream sampled the new time
    await client.readHoldingRegisters(3201, 5); // traffic for the journal: statusWord to motorTorque
  };
  for (let i = 0; i < 6; i++) await advance('+10 s', 10_000);
  await page.getByRole('button', { name: 'controlWord', exact: true }).click();
  await write(page, '15');
  for (let i = 0; i < 12; i++) await advance('+10 s', 10_000);

  // A fault rule from the page, and a client meeting it.
  await page.getByRole('button', { name: 'Inject' }).click();
  await page.locator('#inject-result', { hasText: 'Injected busy' }).waitFor();
  await client.readHoldingRegisters(8502, 1).catch(() => undefined);
  await page.locator('#journal tr', { hasText: 'busy' }).waitFor();
  await page.getByRole('button', { name: 'motorCurrent', exact: true }).click();

  const top = () => page.evaluate(() => [document.scrollingElement, document.getElementById('points')].forEach((e) => e.scrollTo(0, 0)));
  await top();
  await page.screenshot({ path: `${OUT}/web-view.png`, fullPage: true });
  await page.setViewportSize({ width: 820, height: 1180 });
  await page.locator('#large-plot canvas').waitFor();
  await top();
  await page.screenshot({ path: `${OUT}/web-view-tablet.png` });
  console.log(`wrote ${OUT}/web-view.png and ${OUT}/web-view-tablet.png`);
} finally {
  await new Promise((resolve) => (client.isOpen ? client.close(resolve) : resolve()));
  await browser.close();
  emulator.kill('SIGTERM');
}

async function write(page, value) {
  await page.getByLabel('New value').fill(value);
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  await page.locator('#write-result', { hasText: 'Written' }).waitFor();
}
