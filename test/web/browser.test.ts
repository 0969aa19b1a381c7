import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_VARIABLE, findChromium, launchChromium } from '../../scripts/chromium.mjs';
import { startControl, type ControlServer } from '../../src/control/server.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime, type CompiledProfile } from '../../src/runtime/runtime.js';
import { testEnv } from '../helpers/env.js';
import { closeClient, ModbusRTU } from '../helpers/modbus-client.js';

/**
 * The web view in a real browser (Debian's Chromium through playwright-core): the bundled pump on
 * a manual clock behind the control channel, driven from the page, checked by a Modbus client.
 * This file is not a socket suite of the 'stream' project (vitest.config.ts): the page, not the
 * socket I/O mode, is under test. Without Chromium it is skipped, and says so.
 */
const chromium = findChromium();
const PUMP = fileURLToPath(new URL('../../devices/pump.yaml', import.meta.url));
/** Every wait for the page: long enough for a loaded machine, short enough to fail fast. */
const WAIT_MS = 5_000;

const title = chromium ? 'the web view in Chromium' : `the web view in Chromium: SKIPPED, no Chromium found (apt-get install chromium, or set ${CHROMIUM_VARIABLE})`;

describe.skipIf(!chromium)(title, () => {
  let runtime: Runtime;
  let control: ControlServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let client: ModbusRTU;
  const clock = new ManualClock();
  const problems: string[] = [];

  beforeAll(async () => {
    const env = { ...testEnv(), clock };
    const loaded = await loadDevice(PUMP, { env });
    if (!loaded.ok) throw new Error('devices/pump.yaml does not load');
    runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: 1000 });
    await runtime.listen();
    control = await startControl({ host: '127.0.0.1', port: 0, devices: [{ id: 'pump', runtime }], clock, logger: silentLogger, version: '0' });
    browser = await launchChromium(chromium!);
    page = await browser.context.newPage();
    page.setDefaultTimeout(WAIT_MS);
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // The browser logs every 4xx fetch; the refused write's 400 is one this file asks for.
    page.on('console', (m) => void (m.type() === 'error' && !/status of 400 \(Bad Request\)/.test(m.text()) && problems.push(`console: ${m.text()}`)));
    client = new ModbusRTU();
    await client.connectTCP('127.0.0.1', { port: runtime.address!.port });
    client.setID(1);
    client.setTimeout(1000);
  });

  afterAll(async () => {
    if (client) await closeClient(client);
    await browser?.close();
    await control?.close();
    await runtime?.close();
  });

  /** The selector of a point's value cell in the points table. */
  const valueCell = (point: string) => `#points tr[data-point="${point}"] td.value`;
  const touchedBy = (point: string) => `#points tr[data-point="${point}"] td:nth-child(7)`;
  /** Waits until the element `selector` reads `expected`; the error says what was missing and what it read. */
  const waitForText = async (selector: string, expected: string, what: string): Promise<void> => {
    // Runs in the page (through the DevTools protocol, which the page's CSP does not block), where
    // `document` exists; this file's TypeScript settings describe Node, not the DOM.
    const reads = ([sel, text]: [string, string]) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document.querySelector(sel)?.textContent === text;
    await page.waitForFunction(reads, [selector, expected] as [string, string], { timeout: WAIT_MS }).catch(async () => {
      throw new Error(`${what}: expected ${selector} to read "${expected}", it reads "${await page.locator(selector).first().textContent({ timeout: 100 }).catch(() => '(nothing)')}"`);
    });
  };
  const pointValue = (name: string) => (runtime.device as CompiledProfile).units[0]!.read(name);

  it('loads: the device, its points grouped by table, the clock and the live stream', async () => {
    await page.goto(control.url);
    await expect(page.title()).resolves.toBe('modbus-emu');
    await page.locator('#live', { hasText: 'live' }).waitFor();
    await expect(page.locator('#device').inputValue()).resolves.toBe('pump');
    const points = (runtime.device as CompiledProfile).units[0]!.points.size;
    await expect(page.locator('#points caption').allTextContents()).resolves.toEqual([`Holding registers (${points})`]);
    await expect(page.locator('#points tr', { hasText: 'lineVoltage' }).locator('td').nth(1).textContent()).resolves.toBe('3207 / 43208');
    await expect(page.locator('#clock-mode').textContent()).resolves.toMatch(/^manual/);
    await expect(page.locator('#clock-seed').textContent()).resolves.toBe(String(runtime.env.random.seed));
    // What acts on a point: the line voltage is generated; writes of the frequency reference meet its min/max.
    await waitForText(touchedBy('lineVoltage'), 'generator', 'what touches lineVoltage');
    await waitForText(touchedBy('frequencyReference'), 'write rule', 'what touches frequencyReference');
    expect(problems).toEqual([]);
  });

  it('a generated value moves when the page advances the manual clock', async () => {
    const before = `${pointValue('lineVoltage')} V`;
    await waitForText(valueCell('lineVoltage'), before, 'the line voltage at 0 s');
    await page.getByRole('button', { name: '+1 min' }).click();
    await waitForText('#clock-now', '60.0 s', 'the emulator time after +1 min');
    expect(clock.now()).toBe(60_000);
    const after = `${pointValue('lineVoltage')} V`;
    expect(after, "the pump's line voltage wanders (random walk)").not.toBe(before);
    await waitForText(valueCell('lineVoltage'), after, 'the line voltage at 60 s');
  });

  it('a write from the page is read back by a Modbus client', async () => {
    await page.getByRole('button', { name: 'frequencyReference', exact: true }).click();
    await page.getByLabel('New value').fill('30');
    await page.getByRole('button', { name: 'Write', exact: true }).click();
    await page.locator('#write-result', { hasText: 'Written: frequencyReference = 30' }).waitFor();
    expect((await client.readHoldingRegisters(8502, 1)).data).toEqual([300]);
  });

  it('a write the API refuses shows why', async () => {
    await page.getByLabel('New value').fill('fast');
    await page.getByRole('button', { name: 'Write', exact: true }).click();
    await page.locator('#write-result.error', { hasText: /^Refused: frequencyReference: / }).waitFor();
  });

  it('a fault injected from the page makes a Modbus client see the exception; its counters show', async () => {
    await page.getByLabel(/Inject a rule/).fill('{"name": "busy", "match": {"function": 3}, "do": {"exception": 6}}');
    await page.getByRole('button', { name: 'Inject' }).click();
    await page.locator('#inject-result', { hasText: 'Injected busy' }).waitFor();
    await expect(client.readHoldingRegisters(8502, 1)).rejects.toMatchObject({ modbusCode: 6 });
    await waitForText('#rules tr td:nth-child(4)', '1', 'the rule fired once');
    await waitForText(touchedBy('frequencyReference'), 'write rule, fault busy', 'the rule reaches every holding register');
    await page.getByRole('button', { name: 'Remove fault rule busy' }).click();
    await page.locator('#rules-empty').waitFor();
    expect((await client.readHoldingRegisters(8502, 1)).data).toEqual([300]);
  });

  it("the journal shows the client's requests, the rule that fired, and filters them", async () => {
    const rows = page.locator('#journal tr');
    await rows.filter({ hasText: 'busy' }).filter({ hasText: 'exception 06 Server device busy' }).waitFor();
    expect((await client.readHoldingRegisters(3201, 1)).data).toHaveLength(1);
    // The reads of the write test, of the fault test (answered 06), after the rule went, and this one.
    await waitForText('#journal-state', '4 request(s), newest first.', 'every request in the journal tail');
    await page.locator('#jf-address').fill('8502');
    await waitForText('#journal-state', '3 request(s), newest first.', 'the requests at 8502');
    await expect(rows.filter({ hasText: '3 readHoldingRegisters' }).count()).resolves.toBe(3);
    await page.locator('#jf-address').fill('1');
    await page.locator('#journal-state', { hasText: 'No requests yet' }).waitFor();
    expect(problems).toEqual([]);
  });

  it("the pump's state machine shows its state; forcing fault from the page makes a Modbus client read the fault bits", async () => {
    const machineCell = (cls: string) => `#machines tr[data-machine="drive"] .${cls}`;
    const drive = () => (runtime.device as CompiledProfile).units[0]!.machines()[0]!;
    expect(drive().state, 'the drive starts out of fault').not.toBe('fault');
    await waitForText(machineCell('machine-state'), drive().state, "the drive's state");
    const statusWord = async () => (await client.readHoldingRegisters(3201, 1)).data[0]!;
    expect((await statusWord()) & 0x4f, 'not in fault before the force').not.toBe(0x08);
    await page.getByLabel('State to force drive into').selectOption('fault');
    await page.getByRole('button', { name: 'Force drive into the chosen state' }).click();
    await page.locator('#force-result', { hasText: 'Forced: drive is in fault' }).waitFor();
    expect((await statusWord()) & 0x4f, 'CiA 402 Fault: statusWord & 0x4F == 0x08').toBe(0x08);
    await waitForText(machineCell('machine-state'), 'fault', 'the state after the force');
    await waitForText(machineCell('machine-value'), '0x0218 (536)', "the fault state's value");
    // The transition is in the traffic tail, marked as an event (an address filter is about requests: clear it).
    await page.locator('#jf-address').fill('');
    await page.locator('#journal tr.event', { hasText: /drive: \w+ → fault \(forced\)/ }).waitFor();
    // A state the machine does not have (added to the select here, as a stale page would offer it) is refused with the channel's sentence.
    await page.getByLabel('State to force drive into').evaluate((select) => {
      const s = select as unknown as { append(o: unknown): void; ownerDocument: { createElement(t: string): { value: string; textContent: string } } };
      const option = s.ownerDocument.createElement('option');
      option.value = option.textContent = 'warp';
      s.append(option);
    });
    await page.getByLabel('State to force drive into').selectOption('warp');
    await page.getByRole('button', { name: 'Force drive into the chosen state' }).click();
    await page.locator('#force-result.error', { hasText: /^Refused: drive has no state warp/ }).waitFor();
    expect(problems).toEqual([]);
  });

  it('says when the device was reloaded, and when the control channel is gone', async () => {
    expect(await runtime.reload()).toMatchObject({ ok: true });
    await waitForText('#banner', 'The device was reloaded: points refreshed.', 'the reload banner');
    await control.close();
    await waitForText('#live', 'offline', 'the stream badge once the channel is gone');
    await expect(page.locator('#banner').textContent()).resolves.toMatch(/^The control channel does not answer/);
  });
});
