import { readFileSync } from 'node:fs';

/**
 * The package's version, read from package.json at run time: src/cli/ and dist/cli/ are both two
 * levels below it, and a JSON import would need import attributes that Node 20.0 does not take.
 */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
