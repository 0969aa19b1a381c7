// Generates src/profile/types.generated.ts from schemas/device-profile.schema.json.
// `node scripts/gen-profile-types.mjs --check` exits 1 when the committed file has drifted.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = `${root}schemas/device-profile.schema.json`;
const outPath = `${root}src/profile/types.generated.ts`;

export async function generate() {
  const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
  return compile(schema, 'DeviceProfile', {
    bannerComment:
      '/* eslint-disable */\n/**\n * DO NOT EDIT. Generated from schemas/device-profile.schema.json by scripts/gen-profile-types.mjs\n * (npm run gen:types). A test fails when this file and the schema drift apart.\n */',
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true, printWidth: 120 },
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = await generate();
  if (process.argv.includes('--check')) {
    const current = await readFile(outPath, 'utf8').catch(() => '');
    if (current !== text) {
      console.error('src/profile/types.generated.ts is out of date: run npm run gen:types');
      process.exit(1);
    }
  } else {
    await writeFile(outPath, text);
  }
}
