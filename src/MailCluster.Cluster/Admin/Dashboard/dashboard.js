// MailCluster dashboard: polls the admin API every POLL_MS and redraws. Everything that comes from the API goes into
// the DOM as textContent only: senders, recipients and error texts are chosen by whoever sends us mail.
'use strict';

const POLL_MS = 2000;
const TOKEN_KEY = 'mailcluster.admin.token';
const COUNTERS = ['accepted', 'delivered', 'deferred', 'bounced'];

class Unauthorized extends Error {}

let previousStats = null;
let pollTimer = null;

const $ = (id) => document.getElementById(id);

// GET by default. The actions POST with 'Content-Type': 'application/json' and a JSON body: the admin API answers 415
// to anything else, so that no cross-site form or no-cors fetch can change the queues.
async function api(path, method = 'GET') {
  const headers = { Accept: 'application/json' };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers, cache: 'no-store' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    init.body = '{}';
  }
  const response = await fetch(path, init);
  if (response.status === 401) throw new Unauthorized('the admin token is missing or wrong');
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch { /* not problem+json */ }
    throw new Error(`${path}: ${response.status} ${detail}`);
  }
  return response.json();
}

/** A new element; text (if any) is set as textContent, never parsed as HTML. */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  tr.append(...cells);
  return tr;
}

function formatAge(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

// ---- throughput ----

function renderStats(stats) {
  $('node-name').textContent = stats.hostName;
  for (const name of COUNTERS) $('total-' + name).textContent = `${stats[name]} total`;
  if (previousStats) {
    const seconds = (Date.parse(stats.at) - Date.parse(previousStats.at)) / 1000;
    for (const name of COUNTERS) {
      const rate = seconds > 0 ? Math.max(0, stats[name] - previousStats[name]) / seconds : 0;
      $('rate-' + name).textContent = rate.toFixed(1);
    }
  }
  previousStats = stats;
}

// ---- last hour: charts drawn from /api/stats/history (summed over the cluster by the server) ----

const SVG = 'http://www.w3.org/2000/svg';
const CHART = { width: 600, height: 140, top: 14, bottom: 16 };

function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Polylines over the last hour (x: time, y: 0..max of all series), with the max and the time span as labels. */
function drawChart(chart, points, series) {
  const now = Date.now();
  const start = now - 3600 * 1000;
  const max = Math.max(1, ...points.flatMap((p) => series.map((name) => p[name])));
  const x = (at) => ((Date.parse(at) - start) / (now - start)) * CHART.width;
  const y = (v) => CHART.height - CHART.bottom - (v / max) * (CHART.height - CHART.top - CHART.bottom);
  const children = [
    svg('line', { x1: 0, x2: CHART.width, y1: y(0), y2: y(0), class: 'axis' }),
    svg('text', { x: 2, y: 11, class: 'label' }, max >= 10 ? Math.round(max) : max.toFixed(1)),
    svg('text', { x: 2, y: CHART.height - 3, class: 'label' }, '−60 min'),
    svg('text', { x: CHART.width - 2, y: CHART.height - 3, class: 'label end' }, 'now'),
  ];
  for (const name of series) {
    const visible = points.filter((p) => Date.parse(p.at) >= start);
    children.push(svg('polyline', {
      points: visible.map((p) => `${x(p.at).toFixed(1)},${y(p[name]).toFixed(1)}`).join(' '),
      class: 'series series-' + name, 'data-series': name, 'data-points': visible.length, 'data-max': Math.max(0, ...visible.map((p) => p[name])),
    }));
  }
  chart.replaceChildren(...children);
}

function renderHistory(history) {
  drawChart($('chart-throughput'), history.points, ['accepted', 'delivered', 'deferred', 'bounced']);
  drawChart($('chart-queued'), history.points, ['queued']);
  $('history-note').textContent = history.nodesNotAnswering.length ? 'No history from: ' + history.nodesNotAnswering.join(', ') : '';
}

// ---- cluster ----

// Sharding reports its own region by the local address, which may lack host and port; match it to the self member.
function regionFor(member, regions, self) {
  return regions.find((r) => r.address === member.address)
    || (member.isSelf ? regions.find((r) => r.address === self || !r.address.includes('@')) : undefined);
}

function renderCluster(cluster) {
  const rows = cluster.members.map((member) => {
    const region = regionFor(member, cluster.queueShards, cluster.self);
    const name = el('td', member.address, 'mono');
    if (member.isSelf) name.append(el('span', 'this node', 'tag'));
    if (member.isLeader) name.append(el('span', 'leader', 'tag'));
    return row([
      name,
      el('td', member.status, member.status === 'Up' ? '' : 'down'),
      el('td', member.roles.join(', ')),
      el('td', member.reachable ? 'yes' : 'NO', member.reachable ? '' : 'down'),
      el('td', region ? region.shards : 0, 'num'),
      el('td', region ? region.entities : 0, 'num'),
    ]);
  });
  $('nodes').tBodies[0].replaceChildren(...rows);
  const failed = $('shard-failures');
  failed.hidden = cluster.shardStatsFailedFor.length === 0;
  failed.textContent = 'No shard figures from: ' + cluster.shardStatsFailedFor.join(', ');
}

// ---- queues ----

const depth = (q) => q.active + q.deferred + q.held + q.delivering;

function renderQueues(queues) {
  const sorted = [...queues].sort((a, b) => depth(b) - depth(a) || a.hopKey.localeCompare(b.hopKey));
  const rows = sorted.map((q) => {
    const tr = row([
      el('td', q.hopKey, 'mono'),
      el('td', depth(q), 'num'),
      el('td', q.active, 'num'),
      el('td', q.deferred, 'num' + (q.deferred ? ' state-deferred' : '')),
      el('td', q.held, 'num' + (q.held ? ' state-held' : '')),
      el('td', q.delivering, 'num'),
      el('td', formatAge(q.oldestAgeSeconds), 'num'),
      el('td', q.lastError || '', 'mono'),
      actionsCell([['Flush', () => act(`flush queue ${q.hopKey} (retry every message now)`,
        `/api/queues/${encodeURIComponent(q.hopKey)}/flush`)]]),
    ]);
    tr.dataset.hop = q.hopKey;
    return tr;
  });
  $('queues').tBodies[0].replaceChildren(...rows);
  $('queues-empty').hidden = rows.length > 0;
}

// ---- policy: recent refusals by rule ----

function renderRefusals(view) {
  const rows = view.rules.map((g) => {
    const clients = el('td', g.clients.map((c) => `${c.clientIp} ×${c.count}`).join(', '), 'mono');
    const tr = row([el('td', g.rule, 'mono'), el('td', g.count, 'num'), el('td', g.last.replace('T', ' ').slice(0, 19)),
      el('td', g.reply || '', 'mono'), clients]);
    tr.dataset.rule = g.rule;
    return tr;
  });
  $('refusals').tBodies[0].replaceChildren(...rows);
  $('refusals-empty').hidden = rows.length > 0;
}

// ---- message search ----

async function search(query) {
  lastQuery = query;
  const summary = $('search-summary');
  summary.textContent = 'Searching…';
  try {
    const result = await api('/api/messages?q=' + encodeURIComponent(query));
    renderSearch(result);
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken();
    summary.textContent = error.message;
  }
}

function renderSearch(result) {
  const rows = result.messages.map((m) => {
    const recipients = el('ul', null, 'recipients');
    for (const r of m.recipients) {
      const item = el('li', `${r.recipient} `, 'mono');
      item.append(el('span', r.state, 'tag state-' + r.state.toLowerCase()), el('span', r.hopKey, 'tag'));
      if (r.lastError) item.title = r.lastError;
      recipients.append(item);
    }
    const recipientsCell = el('td');
    recipientsCell.append(recipients);
    const id = encodeURIComponent(m.queueId);
    const actions = actionsCell([
      ['Hold', () => act(`hold message ${m.queueId} (no delivery until released)`, `/api/messages/${id}/hold`)],
      ['Release', () => act(`release message ${m.queueId}`, `/api/messages/${id}/release`)],
      ['Flush', () => act(`retry message ${m.queueId} now`, `/api/messages/${id}/flush`)],
      ['Delete', () => act(`DELETE message ${m.queueId}: it is removed without delivery and without a bounce`, `/api/messages/${id}/delete`)],
    ]);
    const idCell = el('td', null, 'mono');
    const open = el('a', m.queueId);
    open.href = '#';
    open.className = 'open-message';
    open.addEventListener('click', (event) => { event.preventDefault(); showMessage(m.queueId); });
    idCell.append(open);
    const tr = row([idCell, el('td', m.sender || '<>', 'mono'), recipientsCell, el('td', formatAge(m.ageSeconds), 'num'), actions]);
    tr.dataset.queueId = m.queueId;
    return tr;
  });
  $('search-results').tBodies[0].replaceChildren(...rows);
  $('search-results').hidden = rows.length === 0;
  $('search-summary').textContent = result.total === 0
    ? `No queued message matches “${result.query}”.`
    : `${result.total} message(s)` + (result.truncated ? `, newest ${rows.length} shown` : '');
}

// ---- one message: envelope, recipients, and its life from every node's mail log ----

async function showMessage(queueId) {
  $('message').hidden = false;
  $('message-id').textContent = queueId;
  $('message-note').textContent = 'Loading…';
  const [message, trace] = await Promise.allSettled([
    api('/api/messages/' + encodeURIComponent(queueId)),
    api('/api/messages/' + encodeURIComponent(queueId) + '/trace'),
  ]);
  const notes = [];
  if (message.status === 'fulfilled') renderMessage(message.value);
  else { $('message-envelope').replaceChildren(); $('message-recipients').tBodies[0].replaceChildren(); notes.push(message.reason.message); }
  if (trace.status === 'fulfilled') {
    renderTrace(trace.value);
    if (trace.value.nodesNotAnswering.length) notes.push('No answer from: ' + trace.value.nodesNotAnswering.join(', '));
  } else { $('message-trace').tBodies[0].replaceChildren(); notes.push(trace.reason.message); }
  $('message-note').textContent = notes.join('; ');
}

function renderMessage(m) {
  const pairs = [['Sender', `<${m.sender || ''}>`], ['Received', m.receivedAt ? `${m.receivedAt} from [${m.clientIp}] (helo ${m.heloName})` : '–'],
    ['Size', m.size ?? '–'], ['Envelope', m.envelopeRecipients.join(', ')],
    ['Subject', (m.headers.find((h) => h.name.toLowerCase() === 'subject') || {}).value || '']];
  $('message-envelope').replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', k), el('dd', v, 'mono')]));
  $('message-recipients').tBodies[0].replaceChildren(...m.recipients.map((r) => row([
    el('td', r.recipient, 'mono'), el('td', r.state, 'state-' + r.state), el('td', r.attempts, 'num'), el('td', r.hopKey, 'mono'),
    el('td', r.nextAttemptAt || '–'), el('td', r.lastError || '', 'mono')])));
}

function renderTrace(trace) {
  $('message-trace').tBodies[0].replaceChildren(...trace.events.map((e) => {
    const details = Object.entries(e.fields).filter(([k]) => k !== 'queue_id').map(([k, v]) => `${k}=${v}`).join(' ');
    const tr = row([el('td', e.at.replace('T', ' ').slice(0, 23), 'mono'), el('td', e.node), el('td', e.event, e.level === 'Info' ? '' : 'state-deferred'), el('td', details, 'mono')]);
    tr.dataset.event = e.event;
    return tr;
  }));
}

// ---- actions ----

let lastQuery = null;

function actionsCell(actions) {
  const cell = el('td', null, 'actions');
  for (const [label, run] of actions) {
    const button = el('button', label);
    button.type = 'button';
    button.dataset.action = label.toLowerCase();
    button.addEventListener('click', run);
    cell.append(button);
  }
  return cell;
}

/** Asks first, then POSTs through the admin API with the token, and shows what it changed. */
async function act(what, path) {
  if (!window.confirm(`Really ${what}?`)) return;
  const note = $('action-result');
  try {
    const result = await api(path, 'POST');
    note.textContent = `${result.action}: ${result.affected} queue entr${result.affected === 1 ? 'y' : 'ies'} changed`;
    note.className = '';
  } catch (error) {
    if (error instanceof Unauthorized) return askForToken();
    note.textContent = error.message;
    note.className = 'error';
  }
  if (lastQuery) await search(lastQuery);
  await refresh();
}

// ---- token ----

function askForToken() {
  clearTimeout(pollTimer);
  $('content').hidden = true;
  $('token-form').hidden = false;
  $('status').textContent = sessionStorage.getItem(TOKEN_KEY) ? 'The token was refused.' : 'Token required.';
  $('status').className = 'error';
  $('token-input').focus();
}

function useToken(event) {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token-input').value.trim());
  $('token-input').value = '';
  $('token-form').hidden = true;
  $('content').hidden = false;
  $('forget-token').hidden = false;
  refresh();
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  $('forget-token').hidden = true;
  askForToken();
}

// ---- polling ----

async function refresh() {
  clearTimeout(pollTimer);
  const [stats, cluster, queues, refusals, history] = await Promise.allSettled(
    [api('/api/stats'), api('/api/cluster'), api('/api/queues'), api('/api/policy/refusals'), api('/api/stats/history')]);
  const results = [[stats, renderStats], [cluster, renderCluster], [queues, renderQueues], [refusals, renderRefusals],
    [history, renderHistory]];
  if (results.some(([r]) => r.status === 'rejected' && r.reason instanceof Unauthorized)) return askForToken();
  const errors = [];
  for (const [result, render] of results) {
    if (result.status === 'fulfilled') render(result.value);
    else errors.push(result.reason.message);
  }
  $('status').textContent = errors.length
    ? 'Error: ' + errors.join('; ')
    : `Updated ${new Date().toLocaleTimeString()} · every ${POLL_MS / 1000}s`;
  $('status').className = errors.length ? 'error' : '';
  pollTimer = setTimeout(refresh, POLL_MS);
}

document.addEventListener('DOMContentLoaded', () => {
  $('token-form').addEventListener('submit', useToken);
  $('forget-token').addEventListener('click', forgetToken);
  $('message-close').addEventListener('click', () => { $('message').hidden = true; });
  $('forget-token').hidden = !sessionStorage.getItem(TOKEN_KEY);
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault();
    search($('search-input').value.trim());
  });
  refresh();
});
