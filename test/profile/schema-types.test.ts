import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';

// A variable specifier: the script is plain JS without type declarations.
const script = new URL('../../scripts/gen-profile-types.mjs', import.meta.url).href;

it('src/profile/types.generated.ts matches the schema (run `npm run gen:types` after editing the schema)', async () => {
  const { generate } = (await import(script)) as { generate(): Promise<string> };
  const committed = await readFile(new URL('../../src/profile/types.generated.ts', import.meta.url), 'utf8');
  expect(committed).toBe(await generate());
});
