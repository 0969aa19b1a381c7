// The web view of modbus-emu's control channel (docs/web-view.md). Plain JavaScript, no build
// step: it uses only the channel's documented routes (GET /openapi.json lists them) and its live
// stream, so what it shows is what a test suite could ask for.
'use strict';

const TOKEN_KEY = 'modbus-emu-token';
/** Emulator seconds a plot keeps, and samples per point at most (10 a second for 5 minutes). */
const PLOT_WINDOW_S = 300;
const PLOT_SAMPLES = 3000;
const MAX_PINNED = 6;
/** Journal rows the page keeps (the journal itself is on the server). */
const JOURNAL_ROWS = 300;
// The channel's table names (a profile's): what GET /devices/{id} and the fault rules say.
const TABLES = [
  ['coil', 'Coils', 0],
  ['discreteInput', 'Discrete inputs', 1],
  ['holding', 'Holding registers', 4],
  ['input', 'Input registers', 3],
];
// Modbus exception codes (docs/protocol.md, "Exception codes").
const EXCEPTIONS = { 1: 'Illegal function', 2: 'Illegal data address', 3: 'Illegal data value', 4: 'Server device failure', 5: 'Acknowledge', 6: 'Server device busy', 8: 'Memory parity error', 10: 'Gateway path unavailable', 11: 'Gateway target failed to respond' };
const COLOURS = ['#1f5fbf', '#c0392b', '#1e8449', '#8e44ad', '#b9770e', '#117a8b'];

const $ = (id) => document.getElementById(id);
const state = {
  devices: [],
  device: null, // GET /devices/{id}
  unit: 0,
  points: new Map(), // name → { info, value, raw, row }
  history: new Map(), // name → { t: [], v: [] } (emulator seconds, numbers)
  selected: null,
  pinned: [],
  journal: [],
  rules: [],
  machinesUnits: [], // every unit's machines, from the stream: [{ unit, machines: [{ name, state, value, since, states }] }]
  machines: [], // the selected unit's
  machinesShape: '', // names and states of the rows on the page: rebuilt only when it changes
  stream: null,
  retry: 0,
  now: 0,
};

// ---- HTTP: JSON both ways, the token when the user gave one ---------------------------------

class HttpError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    channelDown();
    throw new HttpError(0, { message: 'the control channel does not answer' });
  }
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (res.status === 401 && !path.startsWith('/stream-tickets')) {
    await askToken();
    return api(method, path, body);
  }
  if (!res.ok) throw new HttpError(res.status, data);
  return data;
}

function askToken() {
  return new Promise((resolve) => {
    const dialog = $('token-dialog');
    const done = () => {
      dialog.removeEventListener('close', done);
      resolve();
    };
    dialog.addEventListener('close', done);
    if (!dialog.open) dialog.showModal();
  });
}
$('token-form').addEventListener('submit', () => sessionStorage.setItem(TOKEN_KEY, $('token').value));
$('token-cancel').addEventListener('click', () => $('token-dialog').close());
$('token-button').addEventListener('click', () => $('token-dialog').showModal());

// ---- Status: live, reconnecting, channel down, device reloading -----------------------------

function banner(text, kind = 'error') {
  const b = $('banner');
  b.textContent = text;
  b.className = kind;
  b.hidden = !text;
}
function live(text, kind) {
  $('live').textContent = text;
  $('live').className = `badge ${kind}`;
}
function channelDown() {
  live('offline', 'bad');
  banner('The control channel does not answer: is modbus-emu still running? Retrying…');
}

// ---- Devices and points ---------------------------------------------------------------------

async function start() {
  try {
    const { devices } = await api('GET', '/devices');
    state.devices = devices;
    $('device').replaceChildren(...devices.map((d) => new Option(`${d.id} (${d.name})`, d.id)));
    if (devices.length === 0) {
      banner('This process serves no device.', 'info');
      return;
    }
    const wanted = new URLSearchParams(location.search).get('device');
    if (wanted && devices.some((d) => d.id === wanted)) $('device').value = wanted;
    await openDevice($('device').value);
  } catch (error) {
    if (error.status === 0) setTimeout(start, 2000);
    else banner(error.message);
  }
}

$('device').addEventListener('change', () => openDevice($('device').value));
$('unit').addEventListener('change', () => {
  state.unit = Number($('unit').value);
  renderPoints();
  renderMachines();
  connect();
});

async function openDevice(id, reason) {
  if (reason) banner('The device is reloading: fetching its points again…', 'info');
  const device = await api('GET', `/devices/${encodeURIComponent(id)}`).catch((e) => (banner(e.message), null));
  if (!device) return;
  state.device = device;
  if (!reason) {
    state.unit = 0;
    state.selected = null;
    state.pinned = [];
    state.history.clear();
    state.journal = [];
    state.rules = [];
    state.machinesUnits = [];
    $('force-result').textContent = '';
  }
  $('device-address').textContent = `Modbus on ${device.host}:${device.port} · ${device.connections} connection(s)`;
  $('clock-seed').textContent = String(device.seed ?? '–');
  const units = device.units ?? [];
  $('unit-label').hidden = units.length < 2;
  $('unit').replaceChildren(...units.map((u, i) => new Option(`${u.name} (${Array.isArray(u.unitIds) ? `unit ${u.unitIds.join(', ')}` : 'any other unit id'})`, String(i))));
  $('unit').value = String(state.unit);
  renderPoints();
  renderMachines();
  renderJournal();
  renderSelected();
  renderPinned();
  await refreshClock();
  if (reason) banner(reason === 'reload' ? 'The device was reloaded: points refreshed.' : '', 'info');
  else banner('');
  connect();
}

/** Protocol address and the 1-based Modicon reference (5 digits up to 9999, else 6). */
function modicon(table, address) {
  const prefix = TABLES.find(([t]) => t === table)?.[2] ?? 4;
  const n = address + 1;
  return n <= 9999 ? `${prefix}${String(n).padStart(4, '0')}` : `${prefix}${String(n).padStart(5, '0')}`;
}
const isBits = (table) => table === 'coil' || table === 'discreteInput';
const hex = (raw, table) => (isBits(table) ? raw.join(' ') : raw.map((w) => w.toString(16).toUpperCase().padStart(4, '0')).join(' '));

function renderPoints() {
  const unit = state.device?.units?.[state.unit];
  state.points.clear();
  const host = $('points');
  if (!unit) {
    host.replaceChildren(text('p', state.device ? 'This device has no named points (an in-memory device): read its tables below.' : '', 'muted'));
    return;
  }
  const parts = [];
  for (const [table, title] of TABLES) {
    const points = unit.points.filter((p) => p.table === table);
    if (points.length === 0) continue;
    const tbody = document.createElement('tbody');
    for (const info of points) {
      const row = document.createElement('tr');
      const pick = text('button', info.name, 'link');
      pick.type = 'button';
      pick.addEventListener('click', () => select(info.name));
      const value = text('td', '…', 'value');
      const raw = text('td', '', 'mono');
      const touch = text('td', '');
      row.append(cell(pick), text('td', `${info.address} / ${modicon(table, info.address)}`, 'mono'), text('td', info.type), value, raw, text('td', info.access), touch, text('td', info.description ?? '', 'muted'));
      row.dataset.point = info.name;
      row.dataset.search = `${info.name} ${info.address} ${modicon(table, info.address)}`.toLowerCase();
      tbody.append(row);
      state.points.set(info.name, { info, value: undefined, raw: undefined, cells: { value, raw, touch }, row });
    }
    const t = document.createElement('table');
    t.className = 'points';
    const caption = text('caption', `${title} (${points.length})`);
    const head = document.createElement('thead');
    head.innerHTML = '<tr><th scope="col">Name</th><th scope="col">Address / Modicon</th><th scope="col">Type</th><th scope="col">Value</th><th scope="col">Raw (hex)</th><th scope="col">Access</th><th scope="col">Touched by</th><th scope="col">Description</th></tr>';
    t.append(caption, head, tbody);
    parts.push(t);
  }
  host.replaceChildren(...(parts.length ? parts : [text('p', 'This unit has no points.', 'muted')]));
  renderTouches();
  applyFilter();
}

$('filter').addEventListener('input', applyFilter);
function applyFilter() {
  const q = $('filter').value.trim().toLowerCase();
  for (const p of state.points.values()) p.row.hidden = q !== '' && !p.row.dataset.search.includes(q);
}

function showValue(name, value, raw) {
  const p = state.points.get(name);
  if (!p) return;
  p.value = value;
  p.raw = raw;
  p.cells.value.textContent = format(value, p.info);
  p.cells.raw.textContent = hex(raw, p.info.table);
  const n = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : undefined;
  if (n !== undefined) {
    let h = state.history.get(name);
    if (!h) state.history.set(name, (h = { t: [], v: [] }));
    h.t.push(state.now / 1000);
    h.v.push(n);
    while (h.t.length > PLOT_SAMPLES || (h.t.length > 1 && h.t[0] < state.now / 1000 - PLOT_WINDOW_S)) {
      h.t.shift();
      h.v.shift();
    }
  }
  if (name === state.selected) $('selected-value').textContent = format(value, p.info);
}
const format = (value, info) => (value === undefined ? '…' : `${typeof value === 'number' ? Number(value.toPrecision(10)) : value}${info.unit ? ` ${info.unit}` : ''}`);

// ---- Selected point, writes, plots -----------------------------------------------------------

function select(name) {
  state.selected = name;
  renderSelected();
  $('write-value').focus();
}

function renderSelected() {
  const p = state.selected && state.points.get(state.selected);
  $('selected').hidden = !p;
  $('selected-empty').hidden = !!p;
  if (!p) return;
  $('selected-name').textContent = p.info.name;
  $('selected-value').textContent = format(p.value, p.info);
  $('selected-meta').textContent = `${p.info.type} at ${p.info.address} (${modicon(p.info.table, p.info.address)})`;
  const writable = p.info.access !== 'readOnly';
  $('write-form').hidden = !writable;
  $('write-readonly').hidden = writable;
  $('write-result').textContent = '';
  $('write-value').value = p.value === undefined ? '' : String(p.value);
  $('pin').disabled = state.pinned.includes(p.info.name) || state.pinned.length >= MAX_PINNED;
  plots.small?.destroy();
  plots.small = makePlot($('small-plot'), [p.info.name], 180);
}

/** The text typed, as the JSON value the API expects: a number, true/false, else the string (enum labels, strings). */
function parseValue(text) {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return text;
}

$('write-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = state.selected;
  const out = $('write-result');
  out.className = '';
  try {
    const reply = await api('PUT', `/devices/${enc(state.device.id)}/points/${enc(name)}`, { value: parseValue($('write-value').value), ...unitIdField() });
    out.textContent = `Written: ${name} = ${reply.value}`;
  } catch (error) {
    out.className = 'error';
    out.textContent = `Refused: ${error.message}`;
  }
});

$('pin').addEventListener('click', () => {
  if (!state.selected || state.pinned.includes(state.selected) || state.pinned.length >= MAX_PINNED) return;
  state.pinned.push(state.selected);
  $('pin').disabled = true;
  renderPinned();
});

function renderPinned() {
  $('chart-empty').hidden = state.pinned.length > 0;
  $('pinned').replaceChildren(
    ...state.pinned.map((name, i) => {
      const li = document.createElement('li');
      const swatch = text('span', '', 'swatch');
      swatch.dataset.colour = String(i);
      const remove = text('button', '×', 'chip-remove');
      remove.type = 'button';
      remove.setAttribute('aria-label', `Remove ${name} from the plot`);
      remove.addEventListener('click', () => {
        state.pinned = state.pinned.filter((n) => n !== name);
        renderPinned();
        renderSelected();
      });
      li.append(swatch, document.createTextNode(` ${name} `), remove);
      return li;
    }),
  );
  plots.large?.destroy();
  plots.large = state.pinned.length ? makePlot($('large-plot'), state.pinned, 280) : null;
}

const plots = { small: null, large: null };
function makePlot(host, names, height) {
  host.replaceChildren();
  if (typeof uPlot !== 'function') return null;
  // Each point on its own y scale (volts and hertz do not share one); the first two get an axis, left and right, in their colour.
  const colour = (i) => COLOURS[i % COLOURS.length];
  const series = [{ label: 'emulator time (s)' }, ...names.map((n, i) => ({ label: unitOf(n) ? `${n} (${unitOf(n)})` : n, scale: n, stroke: colour(i), width: 1.5, points: { show: false }, paths: stepped }))];
  const scales = { x: { time: false } };
  const axes = [{ label: 'emulator time (s)' }, ...names.slice(0, 2).map((n, i) => ({ scale: n, side: i === 0 ? 3 : 1, stroke: colour(i), grid: { show: i === 0 }, size: 60 }))];
  const plot = new uPlot({ width: Math.max(200, host.clientWidth), height, scales, series, legend: { show: names.length > 1, live: false }, axes }, plotData(names), host);
  plot.names = names;
  return plot;
}
const unitOf = (name) => state.points.get(name)?.info.unit;
/** A value holds until the stream reports a change: steps, not lines between samples. */
const stepped = typeof uPlot === 'function' ? uPlot.paths.stepped({ align: 1 }) : undefined;
/** uPlot wants one x array: each point's samples on the union of their times, held up to now. */
function plotData(names) {
  const times = [...new Set(names.flatMap((n) => state.history.get(n)?.t ?? []))].sort((a, b) => a - b);
  if (times.length > 0 && times[times.length - 1] < state.now / 1000) times.push(state.now / 1000);
  return [times, ...names.map((n) => {
    const h = state.history.get(n);
    const at = new Map(h ? h.t.map((t, i) => [t, h.v[i]]) : []);
    let last = null;
    return times.map((t) => (at.has(t) ? (last = at.get(t)) : last));
  })];
}
function redrawPlots() {
  for (const plot of [plots.small, plots.large]) if (plot) plot.setData(plotData(plot.names));
}
new ResizeObserver(() => {
  for (const [plot, host] of [[plots.small, $('small-plot')], [plots.large, $('large-plot')]]) if (plot) plot.setSize({ width: Math.max(200, host.clientWidth), height: plot.height });
}).observe(document.body);

// ---- Raw registers ---------------------------------------------------------------------------

$('raw-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('raw-result');
  out.className = '';
  try {
    const table = $('raw-table').value;
    const address = Number($('raw-address').value);
    const reply = await api('GET', `/devices/${enc(state.device.id)}/tables/${table}/${address}?quantity=${Number($('raw-quantity').value)}${unitIdQuery('&')}`);
    const bits = table === 'coil' || table === 'discreteInput';
    out.textContent = reply.values.map((v, i) => `${address + i}: ${bits ? v : `0x${v.toString(16).toUpperCase().padStart(4, '0')} (${v})`}`).join('  ·  ');
  } catch (error) {
    out.className = 'error';
    out.textContent = error.message;
  }
});

// ---- Fault rules ---------------------------------------------------------------------------------

/** What acts on each point: its generator, its write rule, and the fault rules whose match reaches it. */
function renderTouches() {
  for (const { info, cells } of state.points.values()) {
    const last = info.address + info.size - 1;
    const faults = state.rules.filter((r) => (r.tables === null || r.tables.includes(info.table)) && (r.spans === null || r.spans.some((s) => (s.table === undefined || s.table === info.table) && s.from <= last && s.to >= info.address)));
    cells.touch.textContent = [info.generated && 'generator', info.writeRule && 'write rule', ...faults.map((r) => `fault ${r.name}`)].filter(Boolean).join(', ');
  }
}

function renderRules(rules) {
  state.rules = rules;
  renderTouches();
  $('rules-empty').hidden = rules.length > 0;
  $('rules').replaceChildren(
    ...rules.map((r) => {
      const row = document.createElement('tr');
      const actions = document.createElement('td');
      if (r.injected) {
        const remove = text('button', 'Remove');
        remove.type = 'button';
        remove.setAttribute('aria-label', `Remove fault rule ${r.name}`);
        remove.addEventListener('click', () => act(() => api('DELETE', `/devices/${enc(state.device.id)}/faults/${enc(r.name)}`), `Removed ${r.name}.`));
        actions.append(remove);
      }
      row.append(text('td', r.name, 'mono'), text('td', r.injected ? 'injected' : 'profile'), text('td', String(r.matched), 'num'), text('td', String(r.fired), 'num'), actions);
      return row;
    }),
  );
}

async function refreshRules() {
  const { rules } = await api('GET', `/devices/${enc(state.device.id)}/faults`);
  renderRules(rules);
}

/** Runs a change, reports it under the rule form (with every diagnostic of a refused rule). */
async function act(call, done) {
  const out = $('inject-result');
  out.className = '';
  try {
    await call();
    out.textContent = done;
    await refreshRules();
  } catch (error) {
    out.className = 'error';
    out.replaceChildren(text('p', error.message), ...(error.body?.diagnostics ?? []).map((d) => text('pre', d.text ?? JSON.stringify(d))));
  }
}

$('inject-form').addEventListener('submit', (event) => {
  event.preventDefault();
  let rule;
  try {
    rule = JSON.parse($('rule').value);
  } catch (error) {
    $('inject-result').className = 'error';
    $('inject-result').textContent = `Not JSON: ${error.message}`;
    return;
  }
  act(() => api('POST', `/devices/${enc(state.device.id)}/faults`, rule), `Injected ${rule.name}: Modbus clients meet it from their next request.`);
});
$('reset').addEventListener('click', () => act(() => api('POST', `/devices/${enc(state.device.id)}/reset`, {}), 'Reset: every point, generator and rule counter is back at its start.'));

// ---- State machines ----------------------------------------------------------------------------

/**
 * The selected unit's machines (the stream sends every unit's when one moved). Rows are rebuilt
 * only when the machines or their states change, so a state being chosen in a select stays chosen
 * while the current state and the time in it update in place.
 */
function renderMachines() {
  const mine = (state.machinesUnits ?? []).find((u) => u.unit === state.unit)?.machines ?? [];
  state.machines = mine;
  $('machines-panel').hidden = mine.length === 0;
  const shape = JSON.stringify(mine.map((m) => [m.name, m.states]));
  if (shape !== state.machinesShape) {
    state.machinesShape = shape;
    $('machines').replaceChildren(...mine.map(machineRow));
  }
  for (const m of mine) {
    const row = $('machines').querySelector(`tr[data-machine="${CSS.escape(m.name)}"]`);
    if (!row) continue;
    row.querySelector('.machine-state').textContent = m.state;
    row.querySelector('.machine-value').textContent = `0x${m.value.toString(16).toUpperCase().padStart(4, '0')} (${m.value})`;
  }
  renderMachineTimes();
}

function machineRow(m) {
  const row = document.createElement('tr');
  row.dataset.machine = m.name;
  const form = document.createElement('form');
  form.className = 'inline tight';
  const select = document.createElement('select');
  select.setAttribute('aria-label', `State to force ${m.name} into`);
  select.append(...m.states.map((s) => new Option(s, s)));
  select.value = m.state;
  const go = text('button', 'Force');
  go.type = 'submit';
  go.setAttribute('aria-label', `Force ${m.name} into the chosen state`);
  form.append(select, go);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    forceState(m.name, select.value);
  });
  const force = document.createElement('td');
  force.append(form);
  row.append(text('td', m.name, 'mono'), text('td', m.state, 'machine-state value'), text('td', '', 'machine-value num mono'), text('td', '', 'machine-since num'), force);
  return row;
}

/** Time in state follows the emulator clock, which moves with every values update. */
function renderMachineTimes() {
  for (const m of state.machines) {
    const cell = $('machines').querySelector(`tr[data-machine="${CSS.escape(m.name)}"] .machine-since`);
    if (cell) cell.textContent = (Math.max(0, state.now - m.since) / 1000).toFixed(1);
  }
}

async function forceState(name, to) {
  const out = $('force-result');
  out.className = '';
  try {
    const reply = await api('PUT', `/devices/${enc(state.device.id)}/machines/${enc(name)}`, { state: to, ...unitIdField() });
    out.textContent = `Forced: ${reply.name} is in ${reply.state} (its exit and entry actions ran; the journal records it as an event).`;
  } catch (error) {
    out.className = 'error';
    out.textContent = `Refused: ${error.message}`;
  }
}

// ---- Journal ---------------------------------------------------------------------------------

function addRecords(records, skipped) {
  if (skipped > 0) state.journal.push({ skipped });
  state.journal.push(...records);
  if (state.journal.length > JOURNAL_ROWS) state.journal.splice(0, state.journal.length - JOURNAL_ROWS);
  renderJournal();
}

for (const id of ['jf-unit', 'jf-function', 'jf-address']) $(id).addEventListener('input', renderJournal);
$('journal-filter').addEventListener('submit', (e) => e.preventDefault());
$('journal-clear').addEventListener('click', async () => {
  await api('DELETE', `/devices/${enc(state.device.id)}/journal`).catch((e) => banner(e.message));
  state.journal = [];
  renderJournal();
});

function renderJournal() {
  const hasJournal = !!state.device?.journal;
  $('journal-filter').hidden = !hasJournal;
  const unit = $('jf-unit').value;
  const fn = $('jf-function').value.trim();
  const address = $('jf-address').value;
  const shown = state.journal.filter((r) => {
    if (r.skipped) return true;
    if (unit !== '' && r.unitId !== Number(unit)) return false;
    // An event has no function or address: a filter on either is a question about requests.
    if (r.kind === 'event') return fn === '' && address === '';
    if (fn !== '' && String(r.functionCode) !== fn && r.function !== fn) return false;
    if (address !== '') {
      const a = Number(address);
      const inside = (start, n) => start !== undefined && a >= start && a < start + (n ?? 1);
      if (!inside(r.address, r.quantity) && !inside(r.read?.address, r.read?.quantity)) return false;
    }
    return true;
  });
  const events = shown.filter((r) => r.kind === 'event').length;
  const counted = `${shown.length - events} request(s)${events ? `, ${events} event(s)` : ''}`;
  $('journal-state').textContent = !hasJournal ? 'The journal is off: start modbus-emu with --journal to see the traffic here.' : shown.length === 0 ? 'No requests yet (or none that match the filter).' : `${counted}, newest first.`;
  $('journal').replaceChildren(
    ...shown.slice(-100).reverse().map((r) => {
      const row = document.createElement('tr');
      if (r.skipped) {
        const c = text('td', `… ${r.skipped} request(s) left out (the page fell behind)`, 'muted');
        c.colSpan = 7;
        row.append(c);
        return row;
      }
      if (r.kind === 'event') {
        // Something the device did by itself (a transition): its one-line message, marked as an event.
        row.className = 'event';
        const what = text('td', r.message, 'event-message');
        what.colSpan = 2;
        row.append(text('td', (r.time / 1000).toFixed(1), 'num'), text('td', 'event', 'event-mark'), text('td', r.unitId === undefined ? '' : String(r.unitId), 'num'), text('td', `${r.event} ${r.source}`), what, text('td', ''));
        return row;
      }
      const range = r.address === undefined ? '' : r.quantity > 1 ? `${r.address}+${r.quantity}` : String(r.address);
      const outcome = r.outcome === 'exception' ? `exception ${String(r.exceptionCode).padStart(2, '0')} ${EXCEPTIONS[r.exceptionCode] ?? ''}` : r.outcome;
      row.append(text('td', (r.time / 1000).toFixed(1), 'num'), text('td', `${r.connection.address}:${r.connection.port}`, 'mono'), text('td', String(r.unitId), 'num'), text('td', `${r.functionCode} ${r.function}`), text('td', range, 'mono'), text('td', outcome, r.outcome === 'response' ? '' : 'warn'), text('td', r.rule ?? '', 'mono'));
      return row;
    }),
  );
}

// ---- Clock -----------------------------------------------------------------------------------

async function refreshClock() {
  const clock = await api('GET', '/clock');
  showClock(clock);
}
function showClock(clock) {
  state.now = clock.now;
  $('clock-now').textContent = `${(clock.now / 1000).toFixed(1)} s`;
  if (clock.manual !== undefined) {
    $('clock-mode').textContent = clock.manual ? 'manual (moves only when advanced)' : `real time × ${clock.timeScale ?? 1}`;
    $('advance').hidden = !clock.manual;
    $('scale-form').hidden = clock.manual;
    if (!clock.manual && document.activeElement !== $('scale')) $('scale').value = String(clock.timeScale ?? 1);
  }
}
for (const b of document.querySelectorAll('#advance button')) {
  b.addEventListener('click', async () => {
    try {
      showClock(await api('POST', '/clock/advance', { ms: Number(b.dataset.ms) }));
      $('clock-error').textContent = '';
    } catch (error) {
      $('clock-error').textContent = error.message;
    }
  });
}
$('scale-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    showClock(await api('PUT', '/clock/time-scale', { timeScale: Number($('scale').value) }));
    $('clock-error').textContent = '';
  } catch (error) {
    $('clock-error').textContent = error.message;
  }
});

// ---- The live stream -------------------------------------------------------------------------

/** Opens the device's stream with a fresh single-use ticket (EventSource sends no Authorization header). */
async function connect() {
  state.stream?.close();
  state.stream = null;
  const id = state.device?.id;
  if (!id) return;
  let ticket;
  try {
    ({ ticket } = await api('POST', '/stream-tickets', {}));
  } catch (error) {
    if (error.status === 401) await askToken();
    return reconnectLater();
  }
  if (state.device?.id !== id) return;
  const stream = new EventSource(`/devices/${enc(id)}/events?ticket=${enc(ticket)}`);
  state.stream = stream;
  const on = (event, fn) => stream.addEventListener(event, (e) => fn(JSON.parse(e.data)));
  on('hello', () => {
    state.retry = 0;
    live('live', 'ok');
    if (/does not answer/.test($('banner').textContent)) banner('');
  });
  on('values', (data) => {
    state.now = data.time;
    $('live').dataset.time = String(data.time); // the emulator time of the last update (scripts wait for it)
    $('clock-now').textContent = `${(data.time / 1000).toFixed(1)} s`;
    const mine = data.units.find((u) => u.unit === state.unit);
    if (mine) for (const [name, [value, raw]] of Object.entries(mine.values)) showValue(name, value, raw);
    redrawPlots();
    renderMachineTimes();
  });
  on('journal', (data) => addRecords(data.records, data.skipped));
  on('faults', (data) => renderRules(data.rules));
  on('machines', (data) => {
    state.machinesUnits = data.units;
    renderMachines();
  });
  on('device', () => openDevice(id, 'reload'));
  on('reloadError', (data) => banner(`Reload failed, the device served so far goes on: ${data.message}${data.diagnostics.length ? `\n${data.diagnostics.join('\n')}` : ''}`));
  stream.onerror = () => {
    // The ticket is spent: EventSource's own retry would be refused. Reconnect with a new one.
    stream.close();
    if (state.stream === stream) reconnectLater();
  };
}

/** Tries again after 1, 2, ... 5 s; `offline`: the channel did not answer (channelDown said so), keep saying it. */
function reconnectLater(offline = false) {
  if (!offline) live('reconnecting…', 'warn');
  state.retry = Math.min(state.retry + 1, 5);
  setTimeout(async () => {
    try {
      await api('GET', '/health');
      connect();
    } catch {
      reconnectLater(true);
    }
  }, 1000 * state.retry);
}

// ---- Small helpers ---------------------------------------------------------------------------

const enc = encodeURIComponent;
function unitIdField() {
  // "any": the unit answers every unit id, so no unitId is needed to reach it.
  const listed = state.device?.units?.[state.unit]?.unitIds;
  const ids = Array.isArray(listed) ? listed : [];
  return (state.device?.units?.length ?? 0) > 1 && ids.length ? { unitId: ids[0] } : {};
}
function unitIdQuery(sep) {
  const f = unitIdField();
  return f.unitId === undefined ? '' : `${sep}unitId=${f.unitId}`;
}
function text(tag, content, className) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (className) el.className = className;
  return el;
}
function cell(child) {
  const td = document.createElement('td');
  td.append(child);
  return td;
}

start();
