// The admin API under /_admin: sellers, LWA settings, token revocation and expiry, plans, order
// mutations, faults, stats, clock, fixtures, reset. JSON in and out; see README.md.
'use strict';
const json = require('./json');
const { readBody, sendJson, sendText, decodePart } = require('./http');
const { parseIso } = require('./clock');
const { validatePlans } = require('./seller');
const { normalizeClient } = require('./lwa');
const fixtures = require('./fixtures');

// [method, path pattern, handler(state, params, body) -> [status, value]]
const ROUTES = [
  ['GET', /^\/_admin\/health$/, () => [200, { ok: true }]],
  ['GET', /^\/_admin\/fixtures$/, (s) => [200, new Raw(json.stringify(fixtures.listing(s.fixtures)))]],
  ['GET', /^\/_admin\/sellers$/, (s) => [200, [...s.sellers.values()].map((x) => x.summary())]],
  ['PUT', /^\/_admin\/sellers\/([^/]+)$/, putSeller],
  ['GET', /^\/_admin\/sellers\/([^/]+)$/, (s, [id]) => withSeller(s, id, (x) => [200, x.summary()])],
  ['DELETE', /^\/_admin\/sellers\/([^/]+)$/, (s, [id]) => (s.deleteSeller(id) ? [200, { deleted: id }] : notFound(id))],
  ['POST', /^\/_admin\/sellers\/([^/]+)\/revoke$/, revoke],
  ['POST', /^\/_admin\/sellers\/([^/]+)\/refresh-token$/, newRefreshToken],
  ['POST', /^\/_admin\/sellers\/([^/]+)\/expire-tokens$/, (s, [id]) => withSeller(s, id, () => [200, { expired: s.accessTokens.expireSeller(id) }])],
  ['PUT', /^\/_admin\/sellers\/([^/]+)\/plans$/, setPlans],
  ['POST', /^\/_admin\/sellers\/([^/]+)\/orders$/, mutateOrders],
  ['PUT', /^\/_admin\/lwa$/, setLwa],
  ['GET', /^\/_admin\/lwa$/, (s) => [200, { clientId: s.client.clientId, secrets: s.client.clientSecrets.length, accessTokenLifetime: s.client.accessTokenLifetime }]],
  ['POST', /^\/_admin\/faults$/, addFault],
  ['GET', /^\/_admin\/faults$/, (s) => [200, s.faults.list]],
  ['DELETE', /^\/_admin\/faults$/, (s) => { s.faults.clear(); return [200, { cleared: true }]; }],
  ['GET', /^\/_admin\/stats$/, (s) => [200, s.stats.snapshot()]],
  ['GET', /^\/_admin\/requests$/, (s) => [200, s.stats.requests()]],
  ['DELETE', /^\/_admin\/stats$/, (s) => { s.stats.reset(); return [200, { cleared: true }]; }],
  ['GET', /^\/_admin\/clock$/, (s) => [200, clockView(s)]],
  ['POST', /^\/_admin\/clock$/, advanceClock],
  ['POST', /^\/_admin\/reset$/, (s) => { const e = s.reset(); return e ? bad(e) : [200, { reset: true }]; }],
];

// A reply already serialized (fixtures keep the model's number text).
class Raw { constructor(text) { this.text = text; } }

const bad = (message) => [400, { error: message }];
const notFound = (id) => [404, { error: `no seller ${id}` }];
const withSeller = (s, id, fn) => (s.sellers.has(id) ? fn(s.sellers.get(id)) : notFound(id));
const clockView = (s) => ({ now: new Date(s.clock.now()).toISOString(), offsetMs: s.clock.offsetMs });

function putSeller(s, [id], body) {
  const def = { ...body, sellerId: body.sellerId ?? id };
  if (def.sellerId !== id) return bad('sellerId in the body differs from the path');
  const { seller, created, error } = s.putSeller(def);
  return error ? bad(error) : [created ? 201 : 200, seller.summary()];
}

function revoke(s, [id], body) {
  return withSeller(s, id, (seller) => {
    seller.revoked = true;
    const expired = body.expireAccessTokens ? s.accessTokens.expireSeller(id) : 0;
    return [200, { revoked: id, expired }];
  });
}

function newRefreshToken(s, [id], body) {
  return withSeller(s, id, (seller) => {
    if (typeof body.refreshToken !== 'string' || !body.refreshToken) return bad('refreshToken: non-empty string');
    const owner = s.sellerByRefreshToken(body.refreshToken);
    if (owner && owner !== seller) return bad('refreshToken already belongs to another seller');
    seller.refreshToken = body.refreshToken;
    seller.revoked = false;
    return [200, { sellerId: id, revoked: false }];
  });
}

function setPlans(s, [id], body) {
  return withSeller(s, id, () => {
    const e = validatePlans(body);
    if (e) return bad(e);
    s.plans.set(id, body);
    return [200, { sellerId: id, plans: body }];
  });
}

// {bump?: {count?: K, orderIds?: [...]}, add?: K, at?: ISO (default: server now)}
function mutateOrders(s, [id], body) {
  return withSeller(s, id, (seller) => {
    const at = body.at === undefined ? s.clock.now() : parseIso(body.at);
    if (at === null) return bad('at: ISO 8601 time');
    let indices = [];
    if (body.bump !== undefined) {
      const b = body.bump;
      if (Array.isArray(b.orderIds)) {
        indices = b.orderIds.map((o) => seller.indexOf(o));
        if (indices.includes(-1)) return bad('bump.orderIds: unknown order id');
      } else if (Number.isInteger(b.count) && b.count >= 0 && b.count <= seller.count) {
        // Evenly spread over the seller's orders, so the bumped ones come from every page.
        indices = Array.from({ length: b.count }, (_, k) => Math.floor((k * seller.count) / b.count));
      } else {
        return bad('bump: {count: 0..orders} or {orderIds: [...]}');
      }
    }
    const add = body.add ?? 0;
    if (!Number.isInteger(add) || add < 0 || add > 1000000) return bad('add: integer 0..1000000');
    const bumped = indices.length ? seller.bump(indices, at) : [];
    const added = add ? seller.add(add, at) : [];
    return [200, { bumped, added, orders: seller.count }];
  });
}

function setLwa(s, _params, body) {
  const { client, error } = normalizeClient(body, s.client);
  if (error) return bad(error);
  s.client = client;
  return [200, { clientId: client.clientId, secrets: client.clientSecrets.length, accessTokenLifetime: client.accessTokenLifetime }];
}

function addFault(s, _params, body) {
  const { fault, error } = s.faults.add(body);
  return error ? bad(error) : [201, fault];
}

function advanceClock(s, _params, body) {
  if (typeof body.advanceSeconds !== 'number' || !Number.isFinite(body.advanceSeconds)) return bad('advanceSeconds: number');
  s.clock.advance(Math.round(body.advanceSeconds * 1000));
  return [200, clockView(s)];
}

async function handleAdmin(state, req, res, url) {
  const found = ROUTES.find(([m, re]) => m === req.method && re.test(url.pathname));
  const raw = await readBody(req, 1 << 20);
  if (!found) return sendJson(res, 404, { error: `no admin route ${req.method} ${url.pathname}` });
  let body = {};
  if (raw && raw.length) {
    try { body = JSON.parse(raw.toString('utf8')); } catch { return sendJson(res, 400, { error: 'body must be JSON' }); }
    if (!body || typeof body !== 'object') return sendJson(res, 400, { error: 'body must be a JSON object' });
  } else if (raw === null) {
    return sendJson(res, 413, { error: 'body too large' });
  }
  const params = found[1].exec(url.pathname).slice(1).map(decodePart);
  if (params.includes(null)) return sendJson(res, 400, { error: 'bad %-encoding in the path' });
  const [status, value] = found[2](state, params, body);
  if (value instanceof Raw) return sendText(res, status, value.text);
  return sendJson(res, status, value);
}

module.exports = { handleAdmin };
