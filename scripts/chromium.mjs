// Finds and starts the system's Chromium for the web view's browser tests and screenshots, through
// playwright-core (which never downloads a browser): headless, with the flags that keep it off the
// network, and a fresh profile directory each time.
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { chromium } from 'playwright-core';

/** Where Chromium is looked for: this variable first, then these names on PATH. */
export const CHROMIUM_VARIABLE = 'MODBUS_EMU_CHROMIUM';
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome'];

export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The Chromium executable, or undefined when there is none. */
export function findChromium(env = process.env) {
  const given = env[CHROMIUM_VARIABLE];
  if (given) return executable(given) ? given : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const path = join(dir, name);
      if (dir && executable(path)) return path;
    }
  }
  return undefined;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Starts Chromium headless with a fresh --user-data-dir; close() also removes that directory. */
export async function launchChromium(executablePath) {
  const profile = mkdtempSync(join(tmpdir(), 'modbus-emu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
