// searchOrders and getOrder (Orders API 2026-01-01) over a generated seller: validation,
// filters, lastUpdatedTime order and the pagination contract.
'use strict';
const { one, invalidInput, ApiError } = require('./http');
const { parseIso, isoSeconds } = require('./clock');

const INCLUDED_DATA = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'EXPENSE', 'PROMOTION', 'CANCELLATION',
  'FULFILLMENT', 'PACKAGES', 'TAX', 'PAYMENT', 'FULFILLMENT_ORDERS'];
const FULFILLMENT_STATUSES = ['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED',
  'SHIPPED', 'CANCELLED', 'UNFULFILLABLE'];
const FULFILLED_BY = ['MERCHANT', 'AMAZON'];
const MIN_AGE_MS = 2 * 60e3;
// Parameters a pagination token need not be repeated with.
const TOKEN_FREE = ['maxResultsPerPage', 'includedData'];

// A list parameter whose values must come from `allowed`; returns the list, undefined, or ApiError.
function enumList(query, name, allowed, max = Infinity) {
  if (!query.has(name)) return undefined;
  const list = query.get(name);
  if (list.length > max) return invalidInput(`${name} accepts at most ${max} values`);
  const bad = allowed ? list.find((v) => !allowed.includes(v)) : undefined;
  if (bad !== undefined) return invalidInput(`${name} has an invalid value`);
  return list;
}

function includedSet(query) {
  const list = enumList(query, 'includedData', INCLUDED_DATA);
  return list instanceof ApiError ? list : new Set(list || []);
}

// Returns {body} or an ApiError. tokens: pagination Tokens; nowMs: server clock.
function searchOrders(seller, query, nowMs, tokens) {
  const ca = one(query, 'createdAfter'); const cb = one(query, 'createdBefore');
  const ua = one(query, 'lastUpdatedAfter'); const ub = one(query, 'lastUpdatedBefore');
  if ((ca === undefined) === (ua === undefined)) return invalidInput('Exactly one of createdAfter and lastUpdatedAfter must be provided');
  if ((ca !== undefined && ub !== undefined) || (ua !== undefined && cb !== undefined)) {
    return invalidInput('createdAfter/createdBefore cannot be combined with lastUpdatedAfter/lastUpdatedBefore');
  }
  const byCreated = ca !== undefined;
  const [afterName, beforeName] = byCreated ? ['createdAfter', 'createdBefore'] : ['lastUpdatedAfter', 'lastUpdatedBefore'];
  const after = parseIso(byCreated ? ca : ua);
  if (after === null) return invalidInput(`${afterName} must be an ISO 8601 date-time`);
  const beforeText = byCreated ? cb : ub;
  let before = null;
  if (beforeText !== undefined) {
    before = parseIso(beforeText);
    if (before === null) return invalidInput(`${beforeName} must be an ISO 8601 date-time`);
    if (before > nowMs - MIN_AGE_MS) return invalidInput(`${beforeName} must be at least two minutes before the time of the request`);
    if (before < after) return invalidInput(`${beforeName} must be equal to or after ${afterName}`);
  }
  let pageSize = 100;
  const mr = one(query, 'maxResultsPerPage');
  if (mr !== undefined) {
    pageSize = /^\d{1,3}$/.test(mr) ? Number(mr) : 0;
    if (pageSize < 1 || pageSize > 100) return invalidInput('maxResultsPerPage must be between 1 and 100');
  }
  const marketplaces = enumList(query, 'marketplaceIds', null, 50);
  const statuses = enumList(query, 'fulfillmentStatuses', FULFILLMENT_STATUSES);
  const fulfilledBy = enumList(query, 'fulfilledBy', FULFILLED_BY);
  const included = includedSet(query);
  for (const v of [marketplaces, statuses, fulfilledBy, included]) if (v instanceof ApiError) return v;

  const { state, digest, error } = tokens.resume(query, 'paginationToken',
    { op: 'searchOrders', seller: seller.sellerId, free: TOKEN_FREE }, nowMs);
  if (error) return error;
  let upper; let pos;
  if (state) {
    upper = state.upper;
    pos = seller.positionAfter(state.key[0], state.key[1]);
  } else {
    // The upper bound is fixed on the first page and travels in the token: one consistent window.
    upper = before ?? Math.floor((nowMs - MIN_AGE_MS) / 1000) * 1000;
    pos = byCreated ? 0 : seller.positionAfter(after - 1, Infinity);
  }

  // Filters that need the order's generated body use FULFILLMENT data.
  const bodyFilter = statuses || fulfilledBy;
  const probe = new Set(['FULFILLMENT']);
  const orders = [];
  let lastKey = null;
  let more = false;
  if (!marketplaces || marketplaces.includes(seller.marketplaceId)) {
    for (; pos < seller.count; pos++) {
      const i = seller.sorted[pos];
      const u = seller.updated[i];
      const c = seller.created[i];
      if (byCreated ? (c < after || c > upper) : u > upper) {
        if (byCreated) continue;
        break;
      }
      if (bodyFilter) {
        const f = seller.order(i, probe).fulfillment;
        if ((statuses && !statuses.includes(f.fulfillmentStatus)) || (fulfilledBy && !fulfilledBy.includes(f.fulfilledBy))) continue;
      }
      if (orders.length === pageSize) { more = true; break; }
      orders.push(seller.order(i, included));
      lastKey = [u, i];
    }
  }
  const body = { orders };
  if (more) {
    body.pagination = { nextToken: tokens.encode({ op: 'searchOrders', seller: seller.sellerId, digest, upper, key: lastKey }, nowMs) };
  }
  body[beforeName] = isoSeconds(upper);
  return { body };
}

// Returns {body: {order}} or an ApiError.
function getOrder(seller, orderId, query) {
  const included = includedSet(query);
  if (included instanceof ApiError) return included;
  const i = seller.indexOf(orderId);
  if (i < 0) return new ApiError(404, 'NotFound', 'The requested order was not found');
  return { body: { order: seller.order(i, included) } };
}

module.exports = { searchOrders, getOrder, INCLUDED_DATA };
