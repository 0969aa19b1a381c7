// Writes the enums of names in schemas/device-profile.schema.json from the tables in src/protocol/:
// fault rules' `function:` names from FUNCTIONS (functions.ts), `exception:` names from EXCEPTIONS
// (constants.ts). The schema is the profile's contract, the tables are the code's: one source.
// `npm run gen:schema` builds dist/ (the tables, compiled), rewrites the schema, then the types.
// `node scripts/gen-schema-enums.mjs --check` exits 1 when the committed schema has drifted;
// test/profile/schema-types.test.ts checks the same against src/.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const schemaPath = `${root}schemas/device-profile.schema.json`;

/** The `enum` of the `oneOf` branch that has one, under `node`. */
function enumBranch(node, where) {
  const branch = node?.oneOf?.find((b) => Array.isArray(b.enum));
  if (!branch) throw new Error(`${where}: no oneOf branch with an enum (the schema changed shape: update scripts/gen-schema-enums.mjs)`);
  return branch;
}

/**
 * The schema's text with its name enums set from the tables: `functions` and `exceptions` are
 * lists of `{ name }` in table order.
 */
export function withEnums(schemaText, { functions, exceptions }) {
  const schema = JSON.parse(schemaText);
  const defs = schema.definitions;
  const functionNames = functions.map((f) => f.name);
  enumBranch(defs.FunctionMatch.oneOf[0], 'FunctionMatch (one)').enum = functionNames;
  enumBranch(defs.FunctionMatch.oneOf[1].items, 'FunctionMatch (list)').enum = [...functionNames];
  enumBranch(defs.FaultAction.properties.exception, 'FaultAction.exception').enum = exceptions.map((e) => e.name);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { FUNCTIONS, EXCEPTIONS } = await import(new URL('../dist/protocol/index.js', import.meta.url).href);
  const current = await readFile(schemaPath, 'utf8');
  const text = withEnums(current, { functions: FUNCTIONS, exceptions: EXCEPTIONS });
  if (process.argv.includes('--check')) {
    // Compared as JSON: only the enums matter, not how the file is laid out.
    if (JSON.stringify(JSON.parse(current)) !== JSON.stringify(JSON.parse(text))) {
      console.error('schemas/device-profile.schema.json: its name enums differ from src/protocol: run npm run gen:schema');
      process.exit(1);
    }
  } else if (JSON.stringify(JSON.parse(current)) !== JSON.stringify(JSON.parse(text))) {
    // Written only when an enum changed (the rewrite lays the whole file out as JSON.stringify does).
    await writeFile(schemaPath, text);
  }
}
