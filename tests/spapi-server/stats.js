// Request counters per (seller, operation) and by status, and the requests of one seller in
// flight at once, for GET /_admin/stats; the log of the last requests with their time
// parameters, for GET /_admin/requests.
'use strict';

// Seller id used when a request cannot be tied to a seller (missing or unknown token).
const UNKNOWN = '_unknown';
// The request log keeps this many entries (the oldest dropped first).
const LOG_MAX = 10000;
// The parameters the log keeps: the windows a client asked for, never tokens or personal data.
const LOGGED = ['createdAfter', 'createdBefore', 'lastUpdatedAfter', 'lastUpdatedBefore', 'postedAfter', 'postedBefore'];
// Overlaps kept per seller (the first ones: the start of a problem tells most).
const OVERLAPS_MAX = 20;

class Stats {
  constructor() { this.bySeller = new Map(); this.log = []; this.inFlight = new Map(); }

  // A request of a known seller has begun; returns the function that ends it (call it once, when
  // its connection has answered or closed). Two of one seller in flight at once are an overlap:
  // one sync run has at most one request in flight, so an overlap means two runs of the seller.
  begin(sellerId, operation) {
    let f = this.inFlight.get(sellerId);
    if (!f) { f = { now: new Map(), max: 0, overlaps: 0, first: [], nextId: 1 }; this.inFlight.set(sellerId, f); }
    const id = f.nextId++;
    const started = new Date().toISOString();
    if (f.now.size > 0) {
      f.overlaps += 1;
      if (f.first.length < OVERLAPS_MAX) {
        f.first.push({ at: started, operation, alsoInFlight: [...f.now.values()] });
      }
    }
    f.now.set(id, { operation, since: started });
    f.max = Math.max(f.max, f.now.size);
    let ended = false;
    return () => { if (!ended) { ended = true; f.now.delete(id); } };
  }

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

  // {sellers: {sellerId: {operation: {requests, "200", "403", "429", ...other statuses}}},
  //  inFlight: {sellerId: {now, max, overlaps, first: [{at, operation, alsoInFlight: [...]}]}}}
  snapshot() {
    const sellers = {};
    for (const [id, ops] of this.bySeller) sellers[id] = Object.fromEntries(ops);
    const inFlight = {};
    for (const [id, f] of this.inFlight) inFlight[id] = { now: f.now.size, max: f.max, overlaps: f.overlaps, first: f.first };
    return { sellers, inFlight };
  }

  // [{sellerId, operation, status, params: {lastUpdatedAfter?, ..., paged}}], oldest first.
  requests() { return this.log; }

  // Requests still in flight stay counted (they end on their own).
  reset() {
    this.bySeller.clear();
    this.log = [];
    for (const [id, f] of this.inFlight) {
      if (f.now.size === 0) this.inFlight.delete(id);
      else Object.assign(f, { max: f.now.size, overlaps: 0, first: [] });
    }
  }
}

module.exports = { Stats, UNKNOWN };
