import { describe, expect, it, onTestFinished } from 'vitest';
import { buildControl } from '../../src/control/server.js';
import { deviceIds } from '../../src/control/context.js';
import { silentLogger } from '../../src/log.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { loadDevice } from '../../src/runtime/load-device.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { ROOT, docPages, fences, where } from '../helpers/docs.js';
import { testEnv } from '../helpers/env.js';

/**
 * The control channel's shell examples (```sh control blocks of README.md and docs/) run in
 * order against the bundled device they start (the pump, mostly: `--journal --clock manual`), through fastify's
 * inject (no socket for HTTP): each reply must be 2xx, or 4xx where the example shows an error,
 * and contain what the `# {...}` comment after it shows (`...` stands for what is left out).
 */
interface Call {
  readonly line: number;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The comment after the command (or on the next line), when it shows a JSON reply. */
  readonly shown?: string;
}

/** Splits a shell line into words (single and double quotes, no escapes) and its trailing comment. */
function words(line: string): { words: string[]; comment?: string } {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === ' ') i++;
    if (i >= line.length) break;
    if (line[i] === '#') return { words: out, comment: line.slice(i + 1).trim() };
    let word = '';
    while (i < line.length && line[i] !== ' ') {
      const quote = line[i];
      if (quote === "'" || quote === '"') {
        const end = line.indexOf(quote, i + 1);
        word += line.slice(i + 1, end);
        i = end + 1;
      } else word += line[i++];
    }
    out.push(word);
  }
  return { words: out };
}

function calls(code: string, first: number): Call[] {
  const lines = code.split('\n');
  const out: Call[] = [];
  for (let i = 0; i < lines.length; i++) {
    let text = lines[i]!;
    const line = first + i;
    while (text.endsWith('\\') && i + 1 < lines.length) text = text.slice(0, -1) + lines[++i]!.trimStart();
    const { words: w, comment } = words(text);
    if (w[0] !== 'curl') continue;
    const headers: Record<string, string> = {};
    let method: string | undefined;
    let body: string | undefined;
    let url = '';
    for (let k = 1; k < w.length; k++) {
      if (w[k] === '-X') method = w[++k];
      else if (w[k] === '-H') {
        const [name, ...value] = w[++k]!.split(':');
        headers[name!.trim().toLowerCase()] = value.join(':').trim();
      } else if (w[k] === '-d') body = w[++k];
      else if (!w[k]!.startsWith('-')) url = w[k]!;
    }
    const next = lines[i + 1]?.trim();
    const shown = comment ?? (next?.startsWith('# {') ? next.slice(2) : undefined);
    out.push({ line, method: method ?? (body === undefined ? 'GET' : 'POST'), url: url.replace(/^(https?:\/\/)?[^/]+/, ''), headers, ...(body !== undefined && { body }), ...(shown !== undefined && { shown }) });
  }
  return out;
}

/** `{"a":1,"b":[...],...}` → `{ a: 1 }`: the JSON the comment shows, without what it leaves out. */
function shownJson(shown: string): unknown {
  const json = /^\{.*\}/.exec(shown)?.[0];
  if (json === undefined) return undefined;
  return JSON.parse(json.replace(/,?"[^"]+":\[\.\.\.\]/g, '').replace(/,\.\.\./g, '').replace(/\{,/g, '{'));
}

const examples = docPages()
  .flatMap(fences)
  .filter((f) => f.lang === 'sh' && f.attrs.has('control'))
  .map((f) => ({ fence: f, calls: calls(f.code, f.line + 1) }));

describe('control channel examples (curl)', () => {
  it('README.md and docs/control.md have them', () => {
    expect(examples.map((e) => e.fence.page)).toEqual(expect.arrayContaining(['README.md', 'docs/control.md']));
  });

  it.each(examples.map((e) => [where(e.fence), e] as const))('%s runs in order against the device it starts', async (_, { fence, calls }) => {
    const started = /modbus-emu (devices\/[\w-]+\.yaml) .*--control .*/.exec(fence.code);
    expect(started, 'the example starts a bundled device (the pump, mostly) with the control channel, a journal and a manual clock').not.toBeNull();
    const clock = new ManualClock();
    const env = { ...testEnv(), clock };
    const loaded = await loadDevice(`${ROOT}${started![1]}`, { env });
    if (!loaded.ok) throw new Error(`${started![1]} does not load`);
    const runtime = new Runtime({ device: loaded.profile, env, port: 0, journal: /--journal/.test(fence.code) ? 10_000 : undefined });
    onTestFinished(() => runtime.close());
    const app = buildControl({ devices: [{ id: deviceIds([loaded.profile.name])[0]!, runtime }], clock, logger: silentLogger, version: '0' });
    onTestFinished(() => app.close());

    for (const call of calls) {
      const at = `${fence.page}:${call.line} ${call.method} ${call.url}`;
      const reply = await app.inject({ method: call.method as 'GET', url: call.url, headers: call.headers, ...(call.body !== undefined && { payload: call.body }) });
      const expected = call.shown === undefined ? undefined : shownJson(call.shown);
      const error = typeof expected === 'object' && expected !== null && 'error' in expected;
      expect(reply.statusCode, `${at}: ${reply.body}`).toBeLessThan(error ? 500 : 300);
      if (error) expect(reply.statusCode, at).toBeGreaterThanOrEqual(400);
      if (expected !== undefined) expect(reply.json(), at).toMatchObject(expected as object);
    }
  });
});
