// Request counters per (seller, operation) and by status, for GET /_admin/stats, and the log of
// the last requests with their time parameters, for GET /_admin/requests.
'use strict';

// Seller id used when a request cannot be tied to a seller (missing or unknown token).
const UNKNOWN = '_unknown';
// The request log keeps this many entries (the oldest dropped first).
const LOG_MAX = 10000;
// The parameters the log keeps: the windows a client asked for, never tokens or personal data.
const LOGGED = ['createdAfter', 'createdBefore', 'lastUpdatedAfter', 'lastUpdatedBefore', 'postedAfter', 'postedBefore'];

class Stats {
  constructor() { this.bySeller = new Map(); this.log = []; }

  // query: the request's parameters (a Map of lists), or undefined.
  record(sellerId, operation, status, query) {
    const id = sellerId || UNKNOWN;
    const params = {};
    for (const name of LOGGED) if (query && query.has(name)) params[name] = query.get(name).join(',');
    params.paged = Boolean(query && (query.has('paginationToken') || query.has('nextToken')));
    this.log.push({ sellerId: id, operation, status, params });
    if (this.log.length > LOG_MAX) this.log.shift();
    let ops = this.bySeller.get(id);
    if (!ops) { ops = new Map(); this.bySeller.set(id, ops); }
    let c = ops.get(operation);
    if (!c) { c = { requests: 0, 200: 0, 403: 0, 429: 0 }; ops.set(operation, c); }
    c.requests += 1;
    c[status] = (c[status] || 0) + 1;
  }

  // {sellers: {sellerId: {operation: {requests, "200", "403", "429", ...other statuses}}}}
  snapshot() {
    const sellers = {};
    for (const [id, ops] of this.bySeller) sellers[id] = Object.fromEntries(ops);
    return { sellers };
  }

  // [{sellerId, operation, status, params: {lastUpdatedAfter?, ..., paged}}], oldest first.
  requests() { return this.log; }

  reset() { this.bySeller.clear(); this.log = []; }
}

module.exports = { Stats, UNKNOWN };
