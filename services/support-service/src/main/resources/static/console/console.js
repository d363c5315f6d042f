// The support console: a page in the agent's browser that signs in through the token issuer (OAuth 2
// authorization code with PKCE, a public client) and calls only the services' public APIs with the agent's
// token. No framework, no build step: what the page does is all here.

const $ = (selector, root = document) => root.querySelector(selector);
const app = $('#app');
const TOKEN = 'console.token';
const VERIFIER = 'console.verifier';
const STATE = 'console.state';
const TERMINAL = ['RESOLVED', 'REJECTED'];

let config;
let token;
/** Object URLs of the evidence files shown (revoked when the case is shown again), and of those being loaded. */
const objectUrls = [];
const pendingObjectUrls = [];
let me;
const queue = { status: '', type: '', assignee: '', olderThan: '', page: 0, size: 20 };

/** The token was refused: the page already shows the sign-in view, nothing else may render over it. */
class SessionEnded extends Error {}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// ------------------------------------------------------------------ small helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const money = (cents, currency) => `${(cents / 100).toFixed(2)} ${currency}`;
const when = (instant) => (instant ? new Date(instant).toLocaleString() : '—');
const badge = (text) => el('span', { class: `badge ${text}`, 'data-testid': 'badge' }, text);

function age(instant) {
  const minutes = Math.max(0, Math.round((Date.now() - new Date(instant).getTime()) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

function b64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function claims(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(part.padEnd(part.length + ((4 - (part.length % 4)) % 4), '=')));
}

const redirectUri = () => `${location.origin}/console/index.html`;

// ------------------------------------------------------------------ signing in

async function signIn() {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(VERIFIER, verifier);
  sessionStorage.setItem(STATE, state);
  const url = new URL(`${config.issuerUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: 'cases', state,
    code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}

async function exchange(code, state) {
  const expected = sessionStorage.getItem(STATE);
  const verifier = sessionStorage.getItem(VERIFIER);
  if (!state || !expected || state !== expected || !verifier) {
    throw new Error('The sign-in answer does not belong to a sign-in this page started; sign in again.');
  }
  const response = await fetch(`${config.issuerUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, redirect_uri: redirectUri(), client_id: config.clientId,
      code_verifier: verifier,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`The token issuer refused the sign-in: ${body.error_description || body.error}`);
  sessionStorage.setItem(TOKEN, body.access_token);
  sessionStorage.removeItem(VERIFIER);
  sessionStorage.removeItem(STATE);
}

function signInView(message) {
  $('#sign-out').hidden = true;
  $('#who').textContent = '';
  app.replaceChildren(el('section', { class: 'signin panel' },
    el('h2', { text: 'Support agents only' }),
    message ? el('p', { class: 'error', text: message }) : el('p', { class: 'muted', text: 'Sign in with your support account.' }),
    el('button', { id: 'sign-in', type: 'button', onclick: signIn }, 'Sign in')));
}

function signOut() {
  sessionStorage.removeItem(TOKEN);
  token = null;
  // Also ends the agent's session at the issuer, so that the next sign-in on this browser asks for a password.
  const url = new URL(`${config.issuerUrl}/logout`);
  url.search = new URLSearchParams({ redirect_uri: redirectUri() });
  location.assign(url);
}

// ------------------------------------------------------------------ the APIs

async function api(base, path, options = {}) {
  const headers = { Authorization: `Bearer ${token}`, ...(options.json ? { 'Content-Type': 'application/json' } : {}) };
  const response = await fetch(base + path, {
    method: options.method || 'GET', headers, body: options.json ? JSON.stringify(options.json) : undefined,
  });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN);
    token = null;
    signInView('Your session ended; sign in again.');
    throw new SessionEnded('session ended');
  }
  const type = response.headers.get('Content-Type') || '';
  const body = type.includes('json') ? await response.json() : null;
  if (!response.ok) throw new ApiError(response.status, body);
  return { status: response.status, body };
}

const support = (path, options) => api('', path, options);
const orders = (path) => api(config.ordersUrl, path);
const messaging = (path) => api(config.messagingUrl, path);
const credits = (path) => api(config.creditsUrl, path);

const problemText = (error) => (error instanceof ApiError
  ? `${error.status} ${error.problem?.code || ''}: ${error.problem?.detail || error.message}`
  : String(error.message || error));

// ------------------------------------------------------------------ the queue

function option(value, label, selected) {
  return el('option', { value, selected: value === selected }, label);
}

async function queueView(notice) {
  const filters = el('form', { class: 'filters', id: 'filters', onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    Object.assign(queue, Object.fromEntries(data.entries()), { page: 0 });
    queueView();
  } },
  el('label', {}, 'Status', el('select', { name: 'status', id: 'filter-status' },
    option('', 'Any', queue.status), ...['OPEN', 'IN_REVIEW', 'MEDIATION', 'RESOLVED', 'REJECTED'].map((s) => option(s, s, queue.status)))),
  el('label', {}, 'Type', el('select', { name: 'type', id: 'filter-type' },
    option('', 'Any', queue.type),
    ...['CANCELLATION_REQUEST', 'NON_RESPONSIVE_SELLER', 'DISPUTE', 'COMPLAINT'].map((t) => option(t, t, queue.type)))),
  el('label', {}, 'Assignee', el('select', { name: 'assignee', id: 'filter-assignee' },
    option('', 'Anyone', queue.assignee), option(me.sub, 'Me', queue.assignee), option('none', 'Unassigned', queue.assignee))),
  el('label', {}, 'Opened more than', el('select', { name: 'olderThan', id: 'filter-age' },
    option('', 'Any time ago', queue.olderThan), option('PT1H', '1 hour ago', queue.olderThan),
    option('PT24H', '24 hours ago', queue.olderThan), option('P3D', '3 days ago', queue.olderThan))),
  el('button', { type: 'submit' }, 'Apply'));

  const params = new URLSearchParams({ page: queue.page, size: queue.size });
  for (const name of ['status', 'type', 'assignee', 'olderThan']) if (queue[name]) params.set(name, queue[name]);
  const section = el('section', {}, el('h2', { text: 'Case queue' }), notice ? el('p', { class: 'notice', text: notice }) : null, filters);
  app.replaceChildren(section);
  try {
    const { body } = await support(`/cases?${params}`);
    const rows = body.cases.map((c) => el('tr', { class: 'case-row', 'data-case': c.caseId, onclick: () => { location.hash = `#/cases/${encodeURIComponent(c.caseId)}`; } },
      el('td', {}, el('a', { href: `#/cases/${encodeURIComponent(c.caseId)}` }, c.caseId)),
      el('td', { text: c.type }), el('td', {}, badge(c.status)), el('td', { text: c.orderId }),
      el('td', { text: c.assigneeId || 'unassigned' }), el('td', { title: when(c.openedAt), text: `${age(c.openedAt)} ago` })));
    section.append(
      el('table', { id: 'queue' },
        el('thead', {}, el('tr', {}, ...['Case', 'Type', 'Status', 'Order', 'Assignee', 'Opened'].map((h) => el('th', { text: h })))),
        el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No case matches.' })))),
      el('div', { class: 'pager' },
        el('button', { type: 'button', class: 'secondary', disabled: queue.page === 0, onclick: () => { queue.page -= 1; queueView(); } }, 'Previous'),
        el('span', { id: 'queue-total', class: 'muted', text: `${body.total} case${body.total === 1 ? '' : 's'}, page ${queue.page + 1}` }),
        el('button', { type: 'button', class: 'secondary', disabled: !body.hasMore, onclick: () => { queue.page += 1; queueView(); } }, 'Next')));
  } catch (error) {
    if (error instanceof SessionEnded) return;
    section.append(el('p', { class: 'error', text: `The queue could not be read: ${problemText(error)}` }));
  }
}

// ------------------------------------------------------------------ one case

function field(label, value) {
  return [el('dt', { text: label }), el('dd', {}, value ?? '—')];
}

function casePanel(c) {
  return el('div', { class: 'panel', id: 'case-panel' },
    el('h3', { text: 'Case' }),
    el('dl', {},
      field('Type', c.type), field('Status', badge(c.status)), field('Outcome', c.outcome ? badge(c.outcome) : null),
      field('Assignee', c.assigneeId || 'unassigned'), field('Buyer', c.buyerId), field('Seller', c.sellerId),
      field('Opened', `${when(c.openedAt)} by ${c.openedBy.id} (${c.openedBy.role}, ${c.source})`),
      field('Description', c.description), field('Resolution', c.resolutionReason),
      field('Cancellation ordered', c.cancellation ? `${c.cancellation.status} (${c.cancellation.reason}) by ${c.cancellation.orderedBy}` : null)));
}

async function actionsPanel(c, reload) {
  const panel = el('div', { class: 'panel', id: 'actions' }, el('h3', { text: 'Actions' }));
  const status = el('p', { class: 'muted', id: 'action-status' });
  const run = async (label, path, json) => {
    status.className = 'muted';
    status.textContent = `${label}…`;
    try {
      const { status: code } = await support(`/cases/${encodeURIComponent(c.caseId)}${path}`, { method: 'POST', json });
      status.textContent = code === 202 ? `${label}: stored, being applied.` : `${label}: done.`;
      await reload(`${label}: ${code === 202 ? 'stored, being applied' : 'done'}.`);
    } catch (error) {
      if (error instanceof SessionEnded) return;
      status.className = 'error';
      status.textContent = `${label} refused: ${problemText(error)}`;
    }
  };
  if (TERMINAL.includes(c.status)) {
    panel.append(el('p', { class: 'muted', text: 'The case is closed.' }));
    return panel;
  }
  const buttons = el('div', { class: 'actions' });
  if (c.assigneeId !== me.sub) buttons.append(el('button', { type: 'button', id: 'assign-me', onclick: () => run('Assign to me', '/assignment', { agentId: me.sub }) }, 'Assign to me'));
  if (c.status === 'OPEN') buttons.append(el('button', { type: 'button', id: 'start-review', onclick: () => run('Start review', '/review', {}) }, 'Start review'));
  if (c.status === 'IN_REVIEW') buttons.append(el('button', { type: 'button', id: 'start-mediation', class: 'secondary', onclick: () => run('Start mediation', '/mediation', {}) }, 'Start mediation'));
  panel.append(buttons);
  if ((c.status === 'IN_REVIEW' || c.status === 'MEDIATION') && !c.cancellation) {
    const cancelReason = el('label', { id: 'cancel-reason-field' }, 'Cancellation reason', el('select', { name: 'cancelReason', id: 'cancel-reason' },
      ...['SELLER_NON_RESPONSIVE', 'DISPUTE_RESOLUTION', 'ITEM_DAMAGED', 'ITEM_UNAVAILABLE', 'PRICING_ERROR', 'OTHER']
        .map((r) => option(r, r, c.type === 'NON_RESPONSIVE_SELLER' ? 'SELLER_NON_RESPONSIVE' : 'DISPUTE_RESOLUTION'))));
    const outcome = el('select', { name: 'outcome', id: 'outcome', onchange: (event) => { cancelReason.hidden = event.target.value !== 'ORDER_CANCELLATION'; } },
      option('ORDER_CANCELLATION', 'Order a cancellation (credit follows)', 'ORDER_CANCELLATION'),
      option('NO_CANCELLATION', 'Resolve without cancellation', ''), option('REJECT', 'Reject the case', ''));
    panel.append(el('form', { class: 'resolve', id: 'resolve', onsubmit: (event) => {
      event.preventDefault();
      const data = Object.fromEntries(new FormData(event.target).entries());
      if (data.outcome !== 'ORDER_CANCELLATION') delete data.cancelReason;
      run('Resolve', '/resolution', data);
    } },
    el('label', {}, 'Outcome', outcome), cancelReason,
    el('label', {}, 'Reason (the parties see it)', el('input', { name: 'reason', id: 'reason', required: true, size: 40, maxlength: 1000 })),
    el('button', { type: 'submit', id: 'resolve-submit' }, 'Resolve')));
  }
  panel.append(status);
  return panel;
}

async function orderPanel(c) {
  const panel = el('div', { class: 'panel', id: 'order-panel' }, el('h3', { text: `Order ${c.orderId}` }));
  try {
    const { body: o } = await orders(`/orders/${encodeURIComponent(c.orderId)}`);
    panel.append(el('dl', {},
      field('Status', badge(o.status)), field('Item', `${o.item.title} (${o.item.size || 'one size'}, ${o.item.condition})`),
      field('Total', money(o.amounts.totalCents, o.amounts.currency)), field('Placed', when(o.placedAt)),
      field('Shipment', o.shipment ? `${o.shipment.carrier} ${o.shipment.trackingNumber}, ${when(o.shipment.shippedAt)}` : 'not shipped'),
      field('Refund', o.refund ? el('span', { id: 'refund' }, `${o.refund.status} — ${money(o.refund.amountCents, o.refund.currency)} as ${o.refund.method}`) : 'none')),
    el('h3', { text: 'Timeline' }),
    el('ol', { class: 'timeline', id: 'timeline' }, o.timeline.map((t) => el('li', {}, el('strong', { text: t.event }), ` ${when(t.at)}`, t.detail ? el('div', { class: 'muted', text: t.detail }) : null))));
  } catch (error) {
    panel.append(el('p', { class: 'error', text: `The order could not be read: ${problemText(error)}` }));
  }
  return panel;
}

async function creditPanel(c) {
  const panel = el('div', { class: 'panel', id: 'credit-panel' }, el('h3', { text: `Store credit of ${c.buyerId}` }));
  try {
    const { body } = await credits(`/accounts/${encodeURIComponent(c.buyerId)}/ledger?size=100`);
    const forOrder = body.entries.filter((e) => e.orderId === c.orderId);
    panel.append(forOrder.length
      ? el('ul', { class: 'items', id: 'credits' }, forOrder.map((e) => el('li', { class: 'credit' }, `${e.type} ${money(e.amountCents, e.currency)} for order ${e.orderId}, ${when(e.at)} (balance ${money(e.balanceAfterCents, e.currency)})`)))
      : el('p', { class: 'muted', id: 'credits', text: 'No credit for this order.' }));
  } catch (error) {
    panel.append(el('p', { class: 'error', text: `The ledger could not be read: ${problemText(error)}` }));
  }
  return panel;
}

async function conversationPanel(c) {
  const panel = el('div', { class: 'panel', id: 'conversation-panel' }, el('h3', { text: 'Conversation' }));
  try {
    const { body } = await messaging(`/orders/${encodeURIComponent(c.orderId)}/conversation?size=100`);
    panel.append(body.messages.length
      ? el('div', { id: 'conversation' }, body.messages.map((m) => el('div', { class: `message ${m.senderRole}` },
        el('div', { class: 'meta', text: `${m.senderRole} ${m.senderId} · ${when(m.sentAt)} · ${m.kind}` }), el('div', { text: m.text }))))
      : el('p', { class: 'muted', text: 'No messages.' }));
  } catch (error) {
    panel.append(el('p', { class: 'error', text: `The conversation could not be read: ${problemText(error)}` }));
  }
  return panel;
}

async function fileView(file) {
  const holder = el('div', { class: 'evidence-file' },
    `${file.name} (${file.contentType}, ${file.size} bytes, sha256 ${file.sha256.slice(0, 12)}…) `);
  try {
    const response = await fetch(file.url, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const blob = await response.blob();
    const image = ['image/png', 'image/jpeg'].includes(file.contentType);
    // Anything but an image is only ever downloaded: never a same-origin document that could run script.
    const url = URL.createObjectURL(image ? blob : new Blob([blob], { type: 'application/octet-stream' }));
    pendingObjectUrls.push(url);
    holder.append(image
      ? el('img', { src: url, alt: file.name })
      : el('a', { href: url, download: file.name }, 'Open'));
  } catch (error) {
    holder.append(el('span', { class: 'error', text: `not readable: ${error.message}` }));
  }
  return holder;
}

async function evidencePanel(c) {
  const items = await Promise.all(c.evidence.map(async (e) => el('li', { class: 'evidence' },
    el('strong', { text: e.kind }), ` by ${e.author.id} (${e.author.role}), ${when(e.at)}`,
    e.text ? el('div', { text: e.text }) : null,
    e.message ? el('div', { class: 'muted', text: `quotes message ${e.message.messageId} of ${e.message.senderId} (${when(e.message.sentAt)})` }) : null,
    e.file ? await fileView(e.file) : null)));
  return el('div', { class: 'panel', id: 'evidence-panel' }, el('h3', { text: 'Evidence and statements' }),
    items.length ? el('ul', { class: 'items', id: 'evidence' }, items) : el('p', { class: 'muted', text: 'None yet.' }));
}

function auditPanel(c) {
  return el('div', { class: 'panel', id: 'audit-panel' }, el('h3', { text: 'Audit' }),
    el('ol', { class: 'timeline', id: 'audit' }, c.audit.map((a) => el('li', {},
      el('strong', { text: a.action }), ` by ${a.actor.id} (${a.actor.role}), ${when(a.at)}`, a.summary ? el('div', { class: 'muted', text: a.summary }) : null))));
}

async function caseView(caseId, notice) {
  let c;
  try {
    ({ body: c } = await support(`/cases/${encodeURIComponent(caseId)}`));
  } catch (error) {
    if (error instanceof SessionEnded) return;
    app.replaceChildren(el('p', { class: 'error', text: `The case could not be read: ${problemText(error)}` }), el('a', { href: '#/' }, 'Back to the queue'));
    return;
  }
  const reload = (message) => caseView(caseId, message);
  const [actions, order, credit, conversation, evidence] = await Promise.all([
    actionsPanel(c, reload), orderPanel(c), creditPanel(c), conversationPanel(c), evidencePanel(c)]);
  // The agent moved on meanwhile, or a call found the session ended (the sign-in view is showing).
  if (!token || location.hash !== `#/cases/${encodeURIComponent(caseId)}`) return;
  objectUrls.splice(0).forEach((url) => URL.revokeObjectURL(url));
  objectUrls.push(...pendingObjectUrls.splice(0));
  app.replaceChildren(el('section', { id: 'case', 'data-status': c.status },
    el('p', {}, el('a', { href: '#/' }, '← Case queue')),
    el('h2', {}, `${c.type} case ${c.caseId} `, badge(c.status)),
    notice ? el('p', { class: 'notice', id: 'notice', text: notice }) : null,
    el('div', { class: 'actions' }, el('button', { type: 'button', class: 'secondary', id: 'refresh', onclick: () => reload('Refreshed.') }, 'Refresh')),
    el('div', { class: 'grid' }, casePanel(c), actions, order, credit, conversation, evidence, auditPanel(c))));
}

// ------------------------------------------------------------------ start

function route() {
  const match = location.hash.match(/^#\/cases\/(.+)$/);
  return match ? caseView(decodeURIComponent(match[1])) : queueView();
}

async function main() {
  config = await (await fetch('/console/config')).json();
  $('#sign-out').addEventListener('click', signOut);
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    history.replaceState(null, '', location.pathname + location.hash);
    if (params.has('error')) return signInView(`Sign-in failed: ${params.get('error_description') || params.get('error')}`);
    try {
      await exchange(params.get('code'), params.get('state'));
    } catch (error) {
      return signInView(error.message);
    }
  }
  token = sessionStorage.getItem(TOKEN);
  if (!token || claims(token).exp * 1000 < Date.now()) return signInView();
  me = claims(token);
  $('#who').textContent = `Signed in as ${me.sub}`;
  $('#sign-out').hidden = false;
  if (!(me.roles || []).includes('SUPPORT')) {
    app.replaceChildren(el('p', { class: 'error', text: 'This console is for support agents; your account has no SUPPORT role.' }));
    return undefined;
  }
  window.addEventListener('hashchange', route);
  return route();
}

main().catch((error) => app.replaceChildren(el('p', { class: 'error', text: `The console could not start: ${error.message}` })));
