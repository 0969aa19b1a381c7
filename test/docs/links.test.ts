import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, anchors, docPages, prose } from '../helpers/docs.js';

/** Every relative link of README.md and docs/ leads somewhere, #anchors included. */
describe('links in README.md and docs/', () => {
  const pages = docPages();
  const links = pages.flatMap((page) =>
    prose(page.text)
      .split('\n')
      .flatMap((text, i) => [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => ({ page: page.path, line: i + 1, target: m[1]! }))),
  );
  const relativeLinks = links.filter((l) => !/^[a-z]+:/i.test(l.target));

  it('the pages link to each other', () => {
    expect(relativeLinks.length).toBeGreaterThan(20);
  });

  it.each(relativeLinks.map((l) => [`${l.page}:${l.line} ${l.target}`, l] as const))('%s', (_, l) => {
    const [path, anchor] = l.target.split('#') as [string, string | undefined];
    const file = path === '' ? join(ROOT, l.page) : join(ROOT, dirname(l.page), decodeURI(path));
    expect(relative(ROOT, file).startsWith('..'), `${l.target} stays inside the repository`).toBe(false);
    expect(existsSync(file), `${l.target} exists`).toBe(true);
    if (anchor !== undefined) {
      expect(file.endsWith('.md'), `#${anchor} points into a Markdown page`).toBe(true);
      expect([...anchors(readFileSync(file, 'utf8'))], `${relative(ROOT, file)} has a heading for #${anchor}`).toContain(anchor);
    }
  });
});

/**
 * Whatever the code and docs cite must be in the repository: the protocol notes are
 * docs/protocol.md and the architecture is docs/architecture.md, not notes kept elsewhere (nor the
 * notes on real device maps: a bundled device says what it models in its own header).
 */
describe('no citation of documents outside the repository', () => {
  const OUTSIDE = ['PROTOCOL', 'DESIGN', 'DEVICES'].map((name) => `${name}.md`);
  const TEXT = /\.(ts|mts|js|mjs|cjs|json|md|yaml|yml|py|c|h|sh)$/;
  const walk = (dir: string): string[] =>
    readdirSync(join(ROOT, dir)).flatMap((name) => {
      const path = `${dir}/${name}`;
      return statSync(join(ROOT, path)).isDirectory() ? walk(path) : TEXT.test(name) ? [path] : [];
    });
  const files = ['README.md', ...['src', 'docs', 'test', 'scripts', 'bench', 'devices', 'examples', 'schemas', 'bin'].filter((d) => existsSync(join(ROOT, d))).flatMap(walk)];

  it('reads the sources, tests and docs', () => {
    expect(files).toEqual(expect.arrayContaining(['src/index.ts', 'docs/protocol.md', 'test/architecture.test.ts']));
  });

  it('no file names the protocol, design or device notes kept outside the repository', () => {
    const citing = files.flatMap((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      return OUTSIDE.filter((name) => text.includes(name)).map((name) => `${f} cites ${name}`);
    });
    expect(citing).toEqual([]);
  });
});
