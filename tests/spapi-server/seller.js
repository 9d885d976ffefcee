// One generated seller: its definition, the time index of its orders (sorted by lastUpdatedTime),
// mutations (bump, add), and lookups; order bodies themselves are generated on demand.
'use strict';
const gen = require('./generator');
const { parseIso } = require('./clock');

const OPERATIONS = ['searchOrders', 'getOrder', 'listTransactions'];

// Checks a seller definition; returns an error message or null.
function validate(def) {
  if (!def || typeof def !== 'object') return 'seller must be an object';
  if (typeof def.sellerId !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(def.sellerId)) return 'sellerId: 1-64 of [A-Za-z0-9_.-]';
  if (typeof def.refreshToken !== 'string' || def.refreshToken.length === 0) return 'refreshToken: non-empty string';
  for (const k of ['orders', 'transactions']) {
    const v = def[k] ?? 0;
    if (!Number.isInteger(v) || v < 0 || v > gen.MAX_ORDERS) return `${k}: integer 0..${gen.MAX_ORDERS}`;
  }
  if (def.anchor !== undefined && parseIso(def.anchor) === null) return 'anchor: ISO 8601 time';
  if (def.historyDays !== undefined && !(Number.isInteger(def.historyDays) && def.historyDays >= 1 && def.historyDays <= 1000)) return 'historyDays: integer 1..1000';
  if (def.transactionsPerPage !== undefined && !(Number.isInteger(def.transactionsPerPage) && def.transactionsPerPage >= 1)) return 'transactionsPerPage: integer >= 1';
  if (def.emptyPageEvery !== undefined && !(Number.isInteger(def.emptyPageEvery) && def.emptyPageEvery >= 0)) return 'emptyPageEvery: integer >= 0';
  const c = def.recipientCanary;
  if (c !== undefined && (typeof c !== 'object' || !['name', 'email', 'postalCode'].every((k) => c[k] === undefined || typeof c[k] === 'string'))) {
    return 'recipientCanary: {name?, email?, postalCode?} strings';
  }
  if (def.plans !== undefined) return validatePlans(def.plans);
  return null;
}

function validatePlans(plans) {
  if (!plans || typeof plans !== 'object') return 'plans: object';
  for (const [op, p] of Object.entries(plans)) {
    if (!OPERATIONS.includes(op)) return `plans: unknown operation ${op}`;
    if (!p || !(p.rate > 0) || !(Number.isInteger(p.burst) && p.burst >= 1)) return `plans.${op}: {rate > 0, burst integer >= 1}`;
  }
  return null;
}

class Seller {
  // def must have passed validate(); nowMs is the server clock at definition time.
  constructor(def, nowMs) {
    this.def = def;
    this.sellerId = def.sellerId;
    this.refreshToken = def.refreshToken;
    this.revoked = false;
    this.sandbox = def.sandbox === true;
    this.marketplaceId = def.marketplaceId || 'ATVPDKIKX0DER';
    this.seed = gen.seedInt(def.seed ?? def.sellerId);
    this.canary = def.recipientCanary || null;
    this.anchorMs = def.anchor ? parseIso(def.anchor) : Math.floor(nowMs / 1000) * 1000;
    this.historyDays = def.historyDays ?? 90;
    this.transactionCount = def.transactions ?? 0;
    this.transactionsPerPage = def.transactionsPerPage ?? 100;
    this.emptyPageEvery = def.emptyPageEvery ?? 0;
    this.count = 0;
    this.grow(def.orders ?? 0);
    for (let i = 0; i < this.count; i++) {
      [this.created[i], this.updated[i]] = gen.orderTimes(this.seed, i, this.anchorMs, this.historyDays);
    }
    this.resort();
  }

  grow(n) {
    const need = this.count + n;
    if (!this.created || need > this.created.length) {
      const cap = Math.max(need, 16, this.created ? this.created.length * 2 : 0);
      const widen = (Type, old) => { const a = new Type(cap); if (old) a.set(old.subarray(0, this.count)); return a; };
      this.created = widen(Float64Array, this.created);
      this.updated = widen(Float64Array, this.updated);
      this.version = widen(Uint16Array, this.version);
    }
    this.count = need;
  }

  // Order indices sorted by (lastUpdatedTime, index): the searchOrders order and its resume key.
  resort() {
    const idx = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) idx[i] = i;
    const u = this.updated;
    this.sorted = idx.sort((a, b) => (u[a] - u[b]) || (a - b));
  }

  // Position in `sorted` of the first order whose key (updated, index) is after [t, i].
  positionAfter(t, i) {
    let lo = 0; let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.sorted[mid];
      if (this.updated[k] < t || (this.updated[k] === t && k <= i)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  orderId(i) { return gen.orderId(this.seed, i); }

  indexOf(id) {
    const i = gen.orderIndex(this.seed, id);
    return i >= 0 && i < this.count ? i : -1;
  }

  order(i, included) {
    return gen.order(this, i, this.created[i], this.updated[i], this.version[i], included);
  }

  // Gives orders a new lastUpdatedTime (and one status step); returns their ids.
  bump(indices, atMs) {
    const t = Math.floor(atMs / 1000) * 1000;
    for (const i of indices) {
      this.updated[i] = Math.max(t, this.created[i]);
      this.version[i] = Math.min(this.version[i] + 1, 65535);
    }
    this.resort();
    return indices.map((i) => this.orderId(i));
  }

  // Appends k new orders created (and last updated) at atMs; returns their ids.
  add(k, atMs) {
    const first = this.count;
    this.grow(k);
    const t = Math.floor(atMs / 1000) * 1000;
    for (let i = first; i < this.count; i++) { this.created[i] = t; this.updated[i] = t; }
    this.resort();
    return Array.from({ length: k }, (_, n) => this.orderId(first + n));
  }

  transactionPosted(j) { return gen.transactionPosted(this, j, this.transactionCount, this.anchorMs); }

  // First transaction index posted at or after t (binary search: posted times never decrease).
  transactionAtOrAfter(t) {
    let lo = 0; let hi = this.transactionCount;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.transactionPosted(mid) < t) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  transaction(j) {
    const oid = (k) => (this.count > 0 ? this.orderId(Math.floor((k * this.count) / Math.max(1, this.transactionCount))) : null);
    return gen.transaction(this, j, this.transactionPosted(j), oid);
  }

  summary() {
    const u = this.count ? this.updated[this.sorted[this.count - 1]] : null;
    return {
      sellerId: this.sellerId, sandbox: this.sandbox, marketplaceId: this.marketplaceId,
      revoked: this.revoked, orders: this.count, transactions: this.transactionCount,
      anchor: new Date(this.anchorMs).toISOString(),
      newestLastUpdatedTime: u === null ? null : new Date(u).toISOString(),
    };
  }
}

module.exports = { Seller, validate, validatePlans, OPERATIONS };
