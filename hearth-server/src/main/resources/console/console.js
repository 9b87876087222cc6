// Hearth's web console. Every API call is signed here with SigV4 (WebCrypto's HMAC-SHA256), as the AWS SDKs sign:
// the server serves these files without a signature because they hold no secret, and the key the user types stays
// in this tab's sessionStorage.

const SERVICE = 'bedrock-agentcore';
// The server accepts any region (it only enters the key derivation); runtime ARNs name the one to show.
const REGION = 'us-east-1';
const KEY_STORE = 'hearth.console.key';
const POLL_MS = 3000;
const HISTORY = 60;
const SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id';

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

// ---- SigV4

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
const sha256Hex = async (data) => hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));

async function hmac(key, data) {
  const cryptoKey = await crypto.subtle.importKey('raw', typeof key === 'string' ? encoder.encode(key) : key,
    { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data));
}

// RFC 3986 unreserved characters stay; everything else is %XX with upper-case hex, as SigV4 wants.
const uriEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

function canonicalQuery(search) {
  const pairs = [...new URLSearchParams(search)].map(([k, v]) => [uriEncode(k), uriEncode(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The headers that sign a request to `url` (path as sent, which the server accepts as curl signs it). */
async function sign(key, method, url, body) {
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const payloadHash = await sha256Hex(body ?? '');
  const headers = { host: url.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).sort().join(';');
  const canonical = [method, url.pathname || '/', canonicalQuery(url.search),
    Object.keys(headers).sort().map((h) => `${h}:${headers[h]}\n`).join(''), signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${REGION}/${SERVICE}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, await sha256Hex(canonical)].join('\n');
  let k = await hmac('AWS4' + key.secretAccessKey, day);
  k = await hmac(k, REGION);
  k = await hmac(k, SERVICE);
  k = await hmac(k, 'aws4_request');
  const signature = hex(await hmac(k, toSign));
  return {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** An API error in the AWS shape: the server's message, and its type. */
class ApiError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

async function errorOf(response) {
  const type = (response.headers.get('x-amzn-ErrorType') || '').split(':')[0];
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    message = body.message || body.Message || message;
  } catch { /* not JSON: keep the status line */ }
  return new ApiError(response.status, type, type ? `${type}: ${message}` : message);
}

/** A signed fetch; `path` may carry a query. Rejects with the server's error for a status over 399. */
async function api(path, { method = 'GET', body, headers = {}, key = currentKey(), signal } = {}) {
  const url = new URL(path, location.origin);
  const signed = await sign(key, method, url, body);
  const response = await fetch(url, { method, body, headers: { ...headers, ...signed }, signal, cache: 'no-store' });
  if (!response.ok) {
    throw await errorOf(response);
  }
  return response;
}

const json = async (path, options) => (await api(path, options)).json();

// ---- sign-in

function currentKey() {
  const stored = sessionStorage.getItem(KEY_STORE);
  return stored ? JSON.parse(stored) : null;
}

async function signIn(event) {
  event.preventDefault();
  const key = { accessKeyId: $('access-key-id').value.trim(), secretAccessKey: $('secret-access-key').value.trim() };
  $('sign-in-error').textContent = '';
  try {
    await api('/hearth/v1/sessions?state=live', { key });
  } catch (e) {
    $('sign-in-error').textContent = e.message;
    return;
  }
  sessionStorage.setItem(KEY_STORE, JSON.stringify(key));
  $('secret-access-key').value = '';
  start();
}

function signOut() {
  sessionStorage.removeItem(KEY_STORE);
  location.reload();
}

// ---- small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  }
  return node;
}

function fill(tbody, rows, empty) {
  tbody.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 9, class: 'muted' }, empty))]));
}

function duration(ms) {
  if (ms <= 0) return '0 s';
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// ---- runtimes

let runtimes = [];

async function loadRuntimes() {
  try {
    const list = await json('/runtimes/?maxResults=100', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    runtimes = list.agentRuntimes || [];
    const rows = await Promise.all(runtimes.map(async (r) => {
      const id = encodeURIComponent(r.agentRuntimeId);
      const [versions, endpoints] = await Promise.all([
        json(`/runtimes/${id}/versions/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).catch(() => ({})),
        json(`/runtimes/${id}/runtime-endpoints/`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).catch(() => ({})),
      ]);
      return el('tr', { 'data-runtime-id': r.agentRuntimeId },
        el('td', {}, r.agentRuntimeName),
        el('td', { class: 'mono' }, r.agentRuntimeId),
        el('td', {}, r.status),
        el('td', {}, r.agentRuntimeVersion),
        el('td', {}, (versions.agentRuntimes || []).map((v) => `v${v.agentRuntimeVersion} ${v.status}`).join(', ')),
        el('td', {}, (endpoints.runtimeEndpoints || []).map((e) =>
          `${e.name} → v${e.liveVersion ?? '?'}${e.targetVersion && e.targetVersion !== e.liveVersion ? ` (to v${e.targetVersion})` : ''} ${e.status}`).join(', ')));
    }));
    fill($('runtimes').tBodies[0], rows, 'No runtimes yet: ./hearth deploy creates one.');
    $('runtimes-error').textContent = '';
    const select = $('pg-runtime');
    const chosen = select.value;
    select.replaceChildren(...runtimes.map((r) => el('option', { value: r.agentRuntimeId }, `${r.agentRuntimeName} (${r.agentRuntimeId})`)));
    if (runtimes.some((r) => r.agentRuntimeId === chosen)) select.value = chosen;
  } catch (e) {
    $('runtimes-error').textContent = e.message;
  }
}

// ---- sessions

let sessions = [];

async function loadSessions() {
  try {
    sessions = (await json('/hearth/v1/sessions')).sessions || [];
    $('sessions-error').textContent = '';
  } catch (e) {
    $('sessions-error').textContent = e.message;
  }
  renderSessions();
}

function renderSessions() {
  const now = Date.now();
  const ordered = [...sessions].sort((a, b) => (!!a.endedAt - !!b.endedAt) || b.createdAt.localeCompare(a.createdAt));
  const rows = ordered.slice(0, 50).map((s) => {
    const ended = !!s.endedAt;
    const state = ended ? `ended: ${s.endReason ?? 'unknown'}` : s.state.toLowerCase();
    return el('tr', { 'data-session-id': s.sessionId, 'data-state': s.state },
      el('td', { class: 'mono' }, s.sessionId),
      el('td', { class: 'mono' }, `${s.runtimeId} v${s.version}`),
      el('td', {}, el('span', { class: `state state-${s.state}`, title: s.endDetail ?? s.agentStatus ?? '' }, state)),
      el('td', {}, s.idleExpiresAt ? duration(Date.parse(s.idleExpiresAt) - now) : ended ? '' : s.state === 'ACTIVE' ? 'busy' : ''),
      el('td', {}, s.lifetimeEndsAt ? duration(Date.parse(s.lifetimeEndsAt) - now) : ''),
      el('td', {}, s.isolation),
      el('td', { class: 'usage' }, ended || s.cpuSeconds === undefined ? '' : `${Number(s.cpuSeconds).toFixed(1)} s`),
      el('td', { class: 'usage' }, ended || s.memoryBytes === undefined ? '' : mebibytes(s.memoryBytes)),
      el('td', {}, ended ? '' : s.inFlight),
      el('td', {}, el('button', { type: 'button', class: 'small trace', onclick: () => showTraces(s) }, 'Trace'),
        ended || s.state === 'HIBERNATED' ? '' : el('button', { type: 'button', class: 'stop', onclick: () => stopSession(s) }, 'Stop')));
  });
  fill($('sessions').tBodies[0], rows, 'No sessions.');
}

function mebibytes(bytes) {
  return `${(Number(bytes) / 1048576).toFixed(1)} MiB`;
}

async function stopSession(s) {
  const query = new URLSearchParams({ qualifier: s.endpointName, accountId: s.tenant });
  try {
    await api(`/runtimes/${encodeURIComponent(s.runtimeId)}/stopruntimesession?${query}`,
      { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', [SESSION_HEADER]: s.sessionId } });
    $('sessions-error').textContent = '';
  } catch (e) {
    $('sessions-error').textContent = e.message;
  }
  loadSessions();
}

// ---- traces: one waterfall per invocation of the chosen session

async function showTraces(s) {
  const target = $('traces');
  target.replaceChildren(el('p', { class: 'muted' }, `Traces of ${s.sessionId} …`));
  try {
    const query = new URLSearchParams({ runtimeId: s.runtimeId });
    const answer = await json(`/hearth/v1/sessions/${encodeURIComponent(s.sessionId)}/traces?${query}`);
    const traces = answer.traces || [];
    target.replaceChildren(el('h3', {}, `Session ${s.sessionId}: ${traces.length} trace(s), newest last`),
      ...traces.map(waterfall));
    if (traces.length === 0) {
      target.append(el('p', { class: 'muted' }, 'No traces kept for this session.'));
    }
    $('traces-error').textContent = '';
  } catch (e) {
    $('traces-error').textContent = e.message;
  }
}

function waterfall(trace) {
  const spans = trace.spans || [];
  const root = spans.find((sp) => !spans.some((p) => p.spanId === sp.parentSpanId)) || spans[0];
  const start = Number(root?.startTimeUnixNano ?? 0);
  const total = Math.max(1, ...spans.map((sp) => Number(sp.startTimeUnixNano) - start + Number(sp.durationNanos)));
  const depth = (sp) => { let d = 0; let p = sp; while ((p = spans.find((q) => q.spanId === p.parentSpanId))) d++; return d; };
  const ordered = [];
  const visit = (sp) => { ordered.push(sp); spans.filter((c) => c.parentSpanId === sp.spanId)
    .sort((a, b) => Number(a.startTimeUnixNano) - Number(b.startTimeUnixNano)).forEach(visit); };
  if (root) visit(root);
  const rows = ordered.map((sp) => {
    const offset = (Number(sp.startTimeUnixNano) - start) / total * 100;
    const width = Math.max(0.5, Number(sp.durationNanos) / total * 100);
    // Placed through the CSSOM: the page's policy allows no inline style attributes.
    const name = el('td', { class: 'mono' }, sp.name);
    name.style.paddingLeft = `${8 + depth(sp) * 14}px`;
    const bar = el('span', { class: `bar ${sp.status === 'ERROR' ? 'bar-error' : ''}`, title: JSON.stringify(sp.attributes || {}) });
    bar.style.marginLeft = `${offset}%`;
    bar.style.width = `${width}%`;
    return el('tr', { class: 'span', 'data-span': sp.name }, name,
      el('td', { class: 'mono' }, `${(Number(sp.durationNanos) / 1e6).toFixed(2)} ms`),
      el('td', { class: 'bar-cell' }, bar));
  });
  const attributes = root?.attributes || {};
  return el('div', { class: 'trace', 'data-trace-id': trace.traceId },
    el('p', { class: 'mono muted' }, `trace ${trace.traceId} · ${attributes['hearth.start'] ?? ''} · `
      + `status ${attributes['http.response.status_code'] ?? ''}`),
    el('table', {}, el('tbody', {}, ...rows)));
}

// ---- pools

async function loadPools() {
  try {
    const body = await json('/hearth/v1/pools');
    $('pools-summary').textContent = `${body.pooled} pooled of at most ${body.maxPooled}`;
    fill($('pools').tBodies[0], (body.pools || []).map((p) => {
      const claims = p.hits + p.misses;
      return el('tr', {},
        el('td', { class: 'mono' }, p.runtimeId), el('td', {}, p.endpointName), el('td', {}, p.ready),
        el('td', {}, p.starting), el('td', {}, p.desired),
        el('td', {}, claims ? `${Math.round((100 * p.hits) / claims)} % of ${claims}` : 'no claims yet'),
        el('td', { class: 'muted' }, p.reason));
    }), 'No warm pools: ./hearth pool set creates one.');
    $('pools-error').textContent = '';
  } catch (e) {
    $('pools-error').textContent = e.message;
  }
}

// ---- metrics and charts

/** Prometheus text → [{name, labels, value}]. */
function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels = {};
    for (const l of (m[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    samples.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return samples;
}

const sum = (samples, name, where = () => true) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((t, s) => t + (Number.isFinite(s.value) ? s.value : 0), 0);

const series = { invocations: [[]], starts: [[], [], []], latency: [[], [], []], sessions: [[]] };
let previous = null;

function push(list, t, v) {
  list.push([t, v]);
  if (list.length > HISTORY) list.shift();
}

async function pollMetrics() {
  let samples;
  try {
    samples = parseMetrics(await (await api('/metrics')).text());
    $('metrics-error').textContent = '';
  } catch (e) {
    $('metrics-error').textContent = e.message;
    return;
  }
  const t = Date.now();
  const now = {
    t,
    invocations: sum(samples, 'hearth_invocations_total'),
    cold: sum(samples, 'hearth_session_starts_total', (l) => l.start === 'cold'),
    pooled: sum(samples, 'hearth_session_starts_total', (l) => l.start === 'pooled'),
  };
  if (previous) {
    const seconds = Math.max((t - previous.t) / 1000, 0.001);
    const rate = (k) => Math.max(now[k] - previous[k], 0) / seconds;
    push(series.invocations[0], t, rate('invocations'));
    push(series.starts[0], t, rate('cold'));
    push(series.starts[1], t, rate('pooled'));
    // An invocation that started no session found its session's sandbox warm.
    push(series.starts[2], t, Math.max(rate('invocations') - rate('cold') - rate('pooled'), 0));
  }
  previous = now;
  ['0.5', '0.9', '0.99'].forEach((q, i) => {
    const v = samples.find((s) => s.name === 'hearth_invocation_seconds' && s.labels.outcome === 'ok' && s.labels.quantile === q);
    push(series.latency[i], t, v && Number.isFinite(v.value) ? v.value * 1000 : 0);
  });
  push(series.sessions[0], t, sessions.filter((s) => !s.endedAt).length);
  drawAll();
}

function drawAll() {
  chart($('chart-invocations'), series.invocations, ['invocations/s']);
  chart($('chart-starts'), series.starts, ['cold', 'pooled', 'warm']);
  chart($('chart-latency'), series.latency, ['p50', 'p90', 'p99']);
  chart($('chart-sessions'), series.sessions, ['live']);
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const nice = (v) => (v >= 100 ? Math.round(v) : v >= 10 ? v.toFixed(1) : v.toFixed(2).replace(/\.?0+$/, '') || '0');

/** A line chart of `lines` (each [[t, v]...]) sharing one time axis, drawn to fit the element. */
function chart(target, lines, names) {
  const width = target.clientWidth || 320;
  const height = target.clientHeight || 150;
  target.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const left = 36, right = 8, top = 18, bottom = 16;
  const all = lines.flat();
  const max = Math.max(1e-9, ...all.map(([, v]) => v));
  const ceiling = max <= 1 ? Math.ceil(max * 10) / 10 || 1 : Math.ceil(max / 10 ** Math.floor(Math.log10(max))) * 10 ** Math.floor(Math.log10(max));
  const t1 = all.length ? Math.max(...all.map(([t]) => t)) : Date.now();
  const t0 = t1 - (HISTORY - 1) * POLL_MS;
  const x = (t) => left + ((t - t0) / (t1 - t0 || 1)) * (width - left - right);
  const y = (v) => top + (1 - v / ceiling) * (height - top - bottom);
  const nodes = [
    svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(0), y2: y(0) }),
    svg('line', { class: 'axis', x1: left, x2: width - right, y1: y(ceiling), y2: y(ceiling) }),
    svg('text', { x: left - 4, y: y(ceiling) + 3, 'text-anchor': 'end' }, nice(ceiling)),
    svg('text', { x: left - 4, y: y(0) + 3, 'text-anchor': 'end' }, '0'),
    svg('text', { x: width - right, y: height - 3, 'text-anchor': 'end' }, 'now'),
    svg('text', { x: left, y: height - 3 }, `−${Math.round(((HISTORY - 1) * POLL_MS) / 60000)} min`),
  ];
  lines.forEach((points, i) => {
    if (points.length) {
      nodes.push(svg('polyline', { class: `series s${i}`, points: points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
    }
    const last = points.length ? nice(points[points.length - 1][1]) : '–';
    const legend = svg('g', { class: 'legend' });
    legend.append(svg('rect', { class: `s${i}`, x: left + i * 90, y: 4, width: 10, height: 3 }),
      svg('text', { x: left + i * 90 + 14, y: 9 }, `${names[i]} ${last}`));
    nodes.push(legend);
  });
  target.replaceChildren(...nodes);
}

// ---- playground

function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'console-' + hex(bytes) + '-' + Date.now().toString(36);
}

let invocation = null;
let logFollow = null;

function status(state, text) {
  $('pg-status').dataset.state = state;
  $('pg-status').textContent = text;
}

async function invoke(event) {
  event.preventDefault();
  invocation?.abort();
  const runtime = runtimes.find((r) => r.agentRuntimeId === $('pg-runtime').value);
  if (!runtime) {
    status('error', 'Pick a runtime first.');
    return;
  }
  const sessionId = $('pg-session').value.trim();
  if (sessionId.length < 33) {
    status('error', `Session id: ${sessionId.length} characters (expected: 33 to 256)`);
    return;
  }
  const account = runtime.agentRuntimeArn.split(':')[4];
  const qualifier = $('pg-qualifier').value.trim() || 'DEFAULT';
  const answer = $('pg-answer');
  answer.textContent = '';
  answer.dataset.chunks = '0';
  invocation = new AbortController();
  status('waiting', 'waiting for the first byte…');
  logFollow?.abort();
  $('pg-log').textContent = '';
  // Followed once the answer begins: by then the session and its log exist, so a 404 means no logs API here.
  let following = false;
  const follow = () => { if (!following) { following = true; followLog(runtime.agentRuntimeId, sessionId); } };
  const started = performance.now();
  try {
    const query = new URLSearchParams({ accountId: account, qualifier });
    const response = await api(`/runtimes/${encodeURIComponent(runtime.agentRuntimeId)}/invocations?${query}`, {
      method: 'POST',
      body: $('pg-payload').value,
      signal: invocation.signal,
      headers: {
        'content-type': 'application/json',
        accept: $('pg-stream').checked ? 'text/event-stream' : 'application/json',
        [SESSION_HEADER]: sessionId,
      },
    });
    follow();
    const sse = (response.headers.get('content-type') || '').startsWith('text/event-stream');
    status('streaming', `${response.status}, ${sse ? 'streaming events' : 'reading'}…`);
    await readAnswer(response.body, sse, answer);
    status('done', `done in ${Math.round(performance.now() - started)} ms, ${answer.dataset.chunks} chunk(s)`);
  } catch (e) {
    status('error', e.name === 'AbortError' ? 'cancelled' : e.message);
    // A refused call may still have started the session, whose log says why.
    if (e.name !== 'AbortError' && e.status !== 403) follow();
  }
  loadSessions();
}

/** Appends the answer as it arrives: each server-sent event's data as one line, or raw text as read. */
async function readAnswer(body, sse, target) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    target.dataset.chunks = String(Number(target.dataset.chunks) + 1);
    if (!sse) {
      target.append(value);
      continue;
    }
    pending += value;
    // Events end at a blank line; whatever follows the last one waits for the next read.
    const events = pending.split(/\r?\n\r?\n/);
    pending = events.pop();
    for (const event of events) appendEvent(event, target);
    target.scrollTop = target.scrollHeight;
  }
  if (sse && pending.trim()) appendEvent(pending, target);
}

function appendEvent(event, target) {
  const data = event.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
  if (data.length) target.append(data.join('\n') + '\n');
}

/** Follows the session's log: streamed when the server offers it, else the whole log polled every second. */
function followLog(runtimeId, sessionId) {
  logFollow?.abort();
  const controller = new AbortController();
  logFollow = controller;
  const pane = $('pg-log');
  pane.textContent = '';
  const query = new URLSearchParams({ runtimeId, follow: 'true' });
  (async () => {
    try {
      const response = await api(`/hearth/v1/sessions/${encodeURIComponent(sessionId)}/logs?${query}`, { signal: controller.signal });
      $('pg-log-mode').textContent = 'following';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        pane.append(value);
        pane.scrollTop = pane.scrollHeight;
      }
    } catch (e) {
      if (controller.signal.aborted) return;
      if (e.status === 404) pollLog(runtimeId, sessionId, controller);
      else $('pg-log-mode').textContent = e.message;
    }
  })();
}

async function pollLog(runtimeId, sessionId, controller) {
  $('pg-log-mode').textContent = 'polled every second';
  const pane = $('pg-log');
  const query = new URLSearchParams({ runtimeId, sessionId });
  while (!controller.signal.aborted) {
    try {
      const text = await (await api(`/hearth/v1/sessions/log?${query}`, { signal: controller.signal })).text();
      if (text !== pane.textContent) {
        pane.textContent = text;
        pane.scrollTop = pane.scrollHeight;
      }
    } catch (e) {
      if (e.status !== 404 && !controller.signal.aborted) $('pg-log-mode').textContent = e.message;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// ---- start

let timers = [];

function start() {
  const key = currentKey();
  $('sign-in').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `signed in as ${key.accessKeyId}`;
  if (!$('pg-session').value) $('pg-session').value = newSessionId();
  loadRuntimes();
  loadSessions();
  loadPools();
  pollMetrics();
  timers.forEach(clearInterval);
  timers = [
    setInterval(() => { loadSessions(); loadPools(); pollMetrics(); }, POLL_MS),
    setInterval(loadRuntimes, 15000),
    setInterval(renderSessions, 1000),
  ];
}

$('sign-in-form').addEventListener('submit', signIn);
$('sign-out').addEventListener('click', signOut);
$('refresh-runtimes').addEventListener('click', loadRuntimes);
$('pg-new-session').addEventListener('click', () => { $('pg-session').value = newSessionId(); });
$('invoke-form').addEventListener('submit', invoke);
addEventListener('resize', drawAll);
if (currentKey()) start();
