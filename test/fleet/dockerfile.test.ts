import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/docs.js';

// No Docker engine runs here: scripts/check-packed.mjs (.ci/run) runs the image's command from the
// packed package; this checks what that cannot see, the image's own instructions.
const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
const lines = dockerfile.split('\n').filter((l) => !l.startsWith('#'));
const finalStage = lines.slice(lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true));
const json = (prefix: string): string[] => {
  const line = finalStage.find((l) => l.startsWith(prefix));
  if (!line) throw new Error(`no ${prefix} in the final stage`);
  return JSON.parse(line.slice(line.indexOf('['))) as string[];
};

describe('the Dockerfile', () => {
  it('installs the packed package with production dependencies only, on the Node the package supports', () => {
    expect(finalStage[0]).toMatch(/^FROM node:20-/);
    const install = finalStage.find((l) => /npm install/.test(l));
    expect(install).toMatch(/npm install --omit=dev .*\/tmp\/modbus-emu\.tgz/);
  });

  it('runs as a user that is not root', () => {
    const user = finalStage.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBe('USER node');
    expect(finalStage.indexOf(user!)).toBeLessThan(finalStage.findIndex((l) => l.startsWith('ENTRYPOINT')));
  });

  it("checks its health on the control channel's /health, where its command serves it", () => {
    const health = json('HEALTHCHECK ').join(' ');
    const control = json('CMD ');
    const where = control[control.indexOf('--control') + 1];
    expect(health).toContain(`http://${where}/health`);
    expect(json('ENTRYPOINT ')).toEqual(['modbus-emu']);
  });
});
