import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * The documentation as the tests see it: README.md and every docs/*.md page, their fenced
 * examples and their links. How a fence is treated is written after its language:
 *
 * - ```ts: type-checked against the package entry and run to the end;
 * - ```yaml: loaded and compiled (a fragment is wrapped into the smallest profile around it);
 *   ```yaml error=E_CODE is loaded as it is and must produce that diagnostic (docs/errors.md);
 * - ```LANG file=PATH: must be the file PATH of this repository, which the suite runs;
 * - ```sh control: a session with the control channel: its `curl` lines are sent in order to the
 *   pump as the block starts it, and each reply must match the `# {...}` comment after it
 *   (test/docs/http-examples.test.ts);
 * - ```LANG not-run: shown only (a shell session, a command's output);
 * - ```text: shown only (usage, diagrams).
 * Any other fence without `file=` or `not-run` fails the tests: an example is run or says why not.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface DocPage {
  /** Relative to the repository root: `README.md`, `docs/profiles.md`. */
  readonly path: string;
  readonly text: string;
}

export interface Fence {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly attrs: ReadonlyMap<string, string | true>;
  readonly code: string;
  /** The nearest heading above the fence (docs/errors.md names a code per heading). */
  readonly heading: string;
}

export function docPages(): DocPage[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

export function fences(page: DocPage): Fence[] {
  const out: Fence[] = [];
  const lines = page.text.split('\n');
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) {
      const h = /^#{2,6} (.*)$/.exec(lines[i]!);
      if (h) heading = h[1]!.trim();
      continue;
    }
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    const attrs = new Map<string, string | true>();
    for (const word of open[2]!.trim().split(/\s+/).filter(Boolean)) {
      const eq = word.indexOf('=');
      attrs.set(eq < 0 ? word : word.slice(0, eq), eq < 0 ? true : word.slice(eq + 1));
    }
    out.push({ page: page.path, line: start + 1, lang: open[1]!, attrs, code: body.length ? body.join('\n') + '\n' : '', heading });
  }
  return out;
}

/** A page with its fenced blocks blanked out, line numbers kept. */
export const withoutFences = (text: string): string => text.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ' '));

/** Prose of a page: fenced blocks and inline code spans blanked out, line numbers kept. */
export const prose = (text: string): string => withoutFences(text).replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors a page's headings get, GitHub's `-1`, `-2` suffixes for repeats included. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of withoutFences(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every fence of README.md and docs/ that is to be run or compiled (no `file=`, no `not-run`). */
export const runnable = (lang: string): Fence[] =>
  docPages().flatMap(fences).filter((f) => f.lang === lang && !f.attrs.has('file') && !f.attrs.has('not-run'));

/** `docs/api.md:34` */
export const where = (f: Fence): string => `${f.page}:${f.line}`;

/**
 * Writes a ```ts example as an ES module (.mts) in `dir`, with what a user writes
 * (`from 'modbus-emu'`) pointed at the sources.
 */
export function writeTsExample(f: Fence, dir: string): string {
  const entry = pathToFileURL(join(ROOT, 'src/index.js')).pathname;
  const file = join(dir, `${f.page.replace(/[/.]/g, '-')}-${f.line}.mts`);
  writeFileSync(file, f.code.replaceAll(`from 'modbus-emu'`, `from '${entry}'`));
  return file;
}
