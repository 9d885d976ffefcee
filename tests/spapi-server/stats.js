// Request counters per (seller, operation) and by status, for GET /_admin/stats.
'use strict';

// Seller id used when a request cannot be tied to a seller (missing or unknown token).
const UNKNOWN = '_unknown';

class Stats {
  constructor() { this.bySeller = new Map(); }

  record(sellerId, operation, status) {
    const id = sellerId || UNKNOWN;
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

  reset() { this.bySeller.clear(); }
}

module.exports = { Stats, UNKNOWN };
