import type { BrowserContext } from 'playwright-core';

export const CHROMIUM_VARIABLE: string;
export const CHROMIUM_FLAGS: readonly string[];
export function findChromium(env?: NodeJS.ProcessEnv): string | undefined;
export function launchChromium(executablePath: string): Promise<{ context: BrowserContext; close(): Promise<void> }>;
