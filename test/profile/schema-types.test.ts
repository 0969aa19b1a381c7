import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { EXCEPTIONS } from '../../src/protocol/constants.js';
import { FUNCTIONS } from '../../src/protocol/functions.js';

// A variable specifier: the script is plain JS without type declarations.
const script = new URL('../../scripts/gen-profile-types.mjs', import.meta.url).href;
const enumScript = new URL('../../scripts/gen-schema-enums.mjs', import.meta.url).href;

it('src/profile/types.generated.ts matches the schema (run `npm run gen:types` after editing the schema)', async () => {
  const { generate } = (await import(script)) as { generate(): Promise<string> };
  const committed = await readFile(new URL('../../src/profile/types.generated.ts', import.meta.url), 'utf8');
  expect(committed).toBe(await generate());
});

it('the schema\'s enums of function and exception names are those of src/protocol (run `npm run gen:schema` after changing the tables)', async () => {
  const { withEnums } = (await import(enumScript)) as { withEnums(text: string, tables: object): string };
  const committed = await readFile(new URL('../../schemas/device-profile.schema.json', import.meta.url), 'utf8');
  // Compared as JSON: the check is about the enums, not about how the file is laid out.
  expect(JSON.parse(committed)).toEqual(JSON.parse(withEnums(committed, { functions: FUNCTIONS, exceptions: EXCEPTIONS })));
});
