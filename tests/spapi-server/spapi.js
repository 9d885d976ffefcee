// The SP-API request pipeline: route, access token (403), latency and faults, usage plan (429),
// then the sandbox fixtures or the generated seller, with Amazon's headers and the counters.
'use strict';
const json = require('./json');
const { queryLists, errorList, ApiError, decodePart } = require('./http');
const { deliver } = require('./faults');
const fixtures = require('./fixtures');
const orders = require('./orders');
const { listTransactions } = require('./transactions');

const ROUTES = [
  { operation: 'searchOrders', re: /^\/orders\/2026-01-01\/orders$/ },
  { operation: 'getOrder', re: /^\/orders\/2026-01-01\/orders\/([^/]+)$/ },
  { operation: 'listTransactions', re: /^\/finances\/2024-06-19\/transactions$/ },
];
// Requests under this prefix are answered from the static sandbox, whatever the seller.
const SANDBOX_PREFIX = '/sandbox';

const FAULT_BODIES = {
  429: errorList('QuotaExceeded', 'You exceeded your quota for the requested resource.'),
  500: errorList('InternalFailure', 'We encountered an internal error. Please try again.'),
  503: errorList('ServiceUnavailable', 'Service temporarily unavailable. Please try again.'),
};
const denied = (details) => errorList('Unauthorized', 'Access to requested resource is denied.', details);

function route(pathname) {
  for (const r of ROUTES) {
    const m = r.re.exec(pathname);
    if (m) return { operation: r.operation, orderId: m[1] && decodePart(m[1]) };
  }
  return null;
}

// Static sandbox: the matching case's status and body, serialized with the model's number text.
function sandboxReply(state, operation, query, orderId) {
  const params = new Map(query);
  if (orderId !== undefined) params.set('orderId', [orderId]);
  const f = fixtures.match(state.fixtures, operation, params);
  if (!f) return { status: 400, text: JSON.stringify(errorList('InvalidInput', 'Could not match input arguments')) };
  return { status: f.status, text: json.stringify(f.response) };
}

function generatedReply(state, seller, operation, query, orderId) {
  const now = state.clock.now();
  let r;
  if (operation === 'searchOrders') r = orders.searchOrders(seller, query, now, state.pageTokens);
  else if (operation === 'getOrder') r = orders.getOrder(seller, orderId, query);
  else r = listTransactions(seller, query, now, state.pageTokens);
  if (r instanceof ApiError) return { status: r.status, text: JSON.stringify(r.body()) };
  return { status: 200, text: json.stringify(r.body) };
}

async function handleSpApi(state, req, res, url) {
  let pathname = url.pathname;
  const sandboxPath = pathname.startsWith(`${SANDBOX_PREFIX}/`);
  if (sandboxPath) pathname = pathname.slice(SANDBOX_PREFIX.length);
  const r = req.method === 'GET' ? route(pathname) : null;
  if (!r || r.orderId === null) return deliver(res, 404, JSON.stringify(errorList('NotFound', 'Resource not found')), {}, null);
  const { operation, orderId } = r;

  const token = req.headers['x-amz-access-token'];
  const t = token ? state.accessTokens.lookup(token) : null;
  const seller = t ? state.sellers.get(t.sellerId) : undefined;
  const sellerId = t ? t.sellerId : undefined;
  const query = queryLists(url.searchParams);
  let endInFlight = () => {};
  const reply = (status, text, headers = {}, fault = null) => {
    state.stats.record(sellerId, operation, fault && fault.kind === 'oversize' ? 200 : status, query);
    // A reply written whole ends its request now: its 'finish' can come after the client has read
    // it and sent the next one, which would count as an overlap that never was.
    if (!fault || !['truncate', 'oversize'].includes(fault.kind)) endInFlight();
    deliver(res, status, text, headers, fault);
  };
  if (!token) return reply(403, JSON.stringify(denied('Access token is missing in the request header.')));
  if (!t || !seller) return reply(403, JSON.stringify(denied('The access token you provided is revoked, malformed or invalid.')));
  if (t.expired) return reply(403, JSON.stringify(denied('The access token you provided has expired.')));

  // In flight until the reply is sent or the client goes away (a killed client closes it).
  endInFlight = state.stats.begin(sellerId, operation);
  res.once('close', endInFlight);
  res.once('finish', endInFlight);

  const delay = state.faults.latency(sellerId, operation);
  if (delay > 0) await new Promise((done) => setTimeout(done, delay));
  const fault = state.faults.take(sellerId, operation);
  if (fault && (fault.kind === 'status' || fault.kind === 'throttle')) {
    const status = fault.kind === 'throttle' ? 429 : fault.status;
    return reply(status, JSON.stringify(FAULT_BODIES[status] || errorList('InjectedFault', `Injected ${status}`)));
  }

  const sandbox = sandboxPath || seller.sandbox;
  const bucket = state.plans.take(sellerId, operation, sandbox);
  if (!bucket.ok) return reply(429, JSON.stringify(FAULT_BODIES[429]));

  const out = sandbox ? sandboxReply(state, operation, query, orderId) : generatedReply(state, seller, operation, query, orderId);
  const headers = [200, 400, 404].includes(out.status) ? { 'x-amzn-RateLimit-Limit': String(bucket.plan.rate) } : {};
  return reply(out.status, out.text, headers, fault);
}

module.exports = { handleSpApi, SANDBOX_PREFIX };
