import { checkDurationMs, type DeviceModes } from '../runtime/runtime.js';
import type { Route, Schema } from './routes.js';
import { device } from './routes.js';

/**
 * The control channel's routes for scenarios and device modes (docs/scenarios.md): list, start,
 * stop, jump to a phase, the current phase; the modes and a reboot. Part of ROUTES.
 */
const DEVICE_PARAM: Schema = { type: 'object', properties: { device: { type: 'string', description: 'device id, from GET /devices' } }, required: ['device'], additionalProperties: false };
const NAME: Schema = { type: 'string', maxLength: 200 };
const STATUS: Schema = {
  type: 'object',
  description: 'the running scenario and its phase; name and phase are null when none runs',
  properties: {
    name: { type: ['string', 'null'] },
    phase: { type: ['string', 'null'] },
    index: { type: 'integer', description: "the phase's position, from 0" },
    since: { type: 'number', description: 'emulator time (ms) the phase began' },
    until: { type: ['number', 'null'], description: 'emulator time (ms) it ends; null: it holds until the scenario is stopped' },
    cycle: { type: 'integer', description: 'rounds of a looping scenario completed' },
  },
  required: ['name', 'phase'],
};
const MODES: Schema = {
  type: 'object',
  additionalProperties: false,
  description: 'device modes, as a phase\'s `modes:` in a profile: { offline, reboot, connections }',
  properties: {
    offline: {
      anyOf: [
        { type: 'boolean' },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            units: { type: 'array', minItems: 1, items: { type: 'integer', minimum: 0, maximum: 255 } },
            answer: { type: 'string', enum: ['silence', 'gatewayTargetFailedToRespond'] },
          },
        },
      ],
    },
    reboot: { type: 'boolean' },
    connections: {
      type: 'object',
      additionalProperties: false,
      properties: { accept: { type: 'string', enum: ['serve', 'refuse', 'ignore'] }, limit: { type: 'integer', minimum: 1, maximum: 65535 } },
    },
  },
};
const MS: Schema = { type: 'number', minimum: 0, description: 'emulator milliseconds' };

const statusOf = (s: ReturnType<ReturnType<typeof device>['runtime']['scenarios']['status']>) => s ?? { name: null, phase: null };

export const SCENARIO_ROUTES: readonly Route[] = [
  {
    id: 'listScenarios',
    method: 'GET',
    url: '/devices/:device/scenarios',
    summary: "The profile's scenarios and their phases, and the one running",
    tag: 'scenarios',
    params: DEVICE_PARAM,
    response: {
      type: 'object',
      properties: {
        scenarios: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, description: { type: 'string' }, loop: { type: 'boolean' }, phases: { type: 'array', items: { type: 'object' } } } } },
        running: STATUS,
      },
    },
    handler: (r, c) => {
      const { scenarios } = device(c, r.params.device!).runtime;
      return { scenarios: scenarios.list(), running: statusOf(scenarios.status()) };
    },
  },
  {
    id: 'getScenario',
    method: 'GET',
    url: '/devices/:device/scenario',
    summary: 'The running scenario and its phase (name and phase null when none runs)',
    tag: 'scenarios',
    params: DEVICE_PARAM,
    response: STATUS,
    handler: (r, c) => statusOf(device(c, r.params.device!).runtime.scenarios.status()),
  },
  {
    id: 'startScenario',
    method: 'PUT',
    url: '/devices/:device/scenario',
    summary: 'Start a scenario now, at its first phase or at `phase` (one running before ends); 404 for an unknown name',
    tag: 'scenarios',
    params: DEVICE_PARAM,
    body: { type: 'object', properties: { name: NAME, phase: NAME }, required: ['name'], additionalProperties: false },
    response: STATUS,
    handler: (r, c) => {
      const { name, phase } = r.body as { name: string; phase?: string };
      return device(c, r.params.device!).runtime.scenarios.start(name, phase);
    },
  },
  {
    id: 'stopScenario',
    method: 'DELETE',
    url: '/devices/:device/scenario',
    summary: "End the running scenario now: its phase's rules, modes and overrides end with it",
    tag: 'scenarios',
    params: DEVICE_PARAM,
    response: { type: 'object', properties: { stopped: { type: 'boolean', description: 'false when none ran' } } },
    handler: (r, c) => ({ stopped: device(c, r.params.device!).runtime.scenarios.stop() }),
  },
  {
    id: 'jumpToPhase',
    method: 'PUT',
    url: '/devices/:device/scenario/phase',
    summary: 'Move the running scenario to a phase now; 404 when none runs or it has no such phase',
    tag: 'scenarios',
    params: DEVICE_PARAM,
    body: { type: 'object', properties: { phase: NAME }, required: ['phase'], additionalProperties: false },
    response: STATUS,
    handler: (r, c) => device(c, r.params.device!).runtime.scenarios.jump((r.body as { phase: string }).phase),
  },
  {
    id: 'getModes',
    method: 'GET',
    url: '/devices/:device/modes',
    summary: "The device modes that hold now (those set here, under a scenario phase's)",
    tag: 'scenarios',
    params: DEVICE_PARAM,
    response: MODES,
    handler: (r, c) => device(c, r.params.device!).runtime.modes,
  },
  {
    id: 'setModes',
    method: 'PUT',
    url: '/devices/:device/modes',
    summary: 'Set the device modes (replacing those set before; `{}` clears them), for `forMs` of emulator time or until set again',
    tag: 'scenarios',
    params: DEVICE_PARAM,
    query: { type: 'object', properties: { forMs: MS }, additionalProperties: false },
    body: MODES,
    response: MODES,
    handler: (r, c) => {
      const forMs = r.query.forMs as number | undefined;
      return device(c, r.params.device!).runtime.setModes(r.body as DeviceModes, forMs === undefined ? {} : { forMs });
    },
  },
  {
    id: 'rebootDevice',
    method: 'POST',
    url: '/devices/:device/reboot',
    summary: 'Reboot now: connections closed, connects refused for `forMs` of emulator time, then back on the same port with initial values',
    tag: 'scenarios',
    params: DEVICE_PARAM,
    body: { type: 'object', properties: { forMs: MS }, required: ['forMs'], additionalProperties: false },
    response: MODES,
    handler: (r, c) => {
      const { runtime } = device(c, r.params.device!);
      runtime.reboot(checkDurationMs('forMs', (r.body as { forMs: number }).forMs));
      return runtime.modes;
    },
  },
];
