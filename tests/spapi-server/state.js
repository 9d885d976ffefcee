// Everything the server knows, in one place: sellers, LWA client and tokens, plans, faults, stats,
// clock, fixtures; and how it is (re)built from the --config file.
'use strict';
const fs = require('node:fs');
const { Clock } = require('./clock');
const { Seller, validate } = require('./seller');
const { Plans } = require('./plans');
const { Stats } = require('./stats');
const { Faults } = require('./faults');
const { Tokens } = require('./pagination');
const { AccessTokens, normalizeClient, DEFAULT_CLIENT } = require('./lwa');

class State {
  // configFile: optional JSON file {lwa?: {...}, sellers?: [...], faults?: [...]}.
  constructor({ configFile, fixtures }) {
    this.configFile = configFile;
    this.fixtures = fixtures;
    this.clock = new Clock();
    this.pageTokens = new Tokens();
    this.accessTokens = new AccessTokens(this.clock);
    this.plans = new Plans(this.clock);
    this.stats = new Stats();
    this.faults = new Faults();
    const error = this.reset();
    if (error) throw new Error(`config ${configFile}: ${error}`);
  }

  // Back to the state the config file describes; returns an error message or null.
  reset() {
    let config = {};
    if (this.configFile) {
      try { config = JSON.parse(fs.readFileSync(this.configFile, 'utf8')); } catch (e) { return `cannot read: ${e.message}`; }
    }
    const { client, error } = normalizeClient(config.lwa || {}, DEFAULT_CLIENT);
    if (error) return `lwa: ${error}`;
    for (const def of config.sellers || []) {
      const e = validate(def);
      if (e) return `sellers: ${e}`;
    }
    this.clock.reset();
    this.client = client;
    this.sellers = new Map();
    this.accessTokens.clear();
    this.plans = new Plans(this.clock);
    this.stats.reset();
    this.faults.clear();
    for (const def of config.sellers || []) this.putSeller(def);
    for (const spec of config.faults || []) {
      const r = this.faults.add(spec);
      if (r.error) return `faults: ${r.error}`;
    }
    return null;
  }

  // Adds or replaces a seller (its data is regenerated; its plans come from def.plans).
  // Returns {seller, created} or {error}.
  putSeller(def) {
    const error = validate(def);
    if (error) return { error };
    const clash = [...this.sellers.values()].find((s) => s.refreshToken === def.refreshToken && s.sellerId !== def.sellerId);
    if (clash) return { error: 'refreshToken already belongs to another seller' };
    const created = !this.sellers.has(def.sellerId);
    const seller = new Seller(def, this.clock.now());
    this.sellers.set(def.sellerId, seller);
    this.plans.forget(def.sellerId);
    if (def.plans) this.plans.set(def.sellerId, def.plans);
    return { seller, created };
  }

  deleteSeller(sellerId) {
    this.plans.forget(sellerId);
    this.accessTokens.expireSeller(sellerId);
    return this.sellers.delete(sellerId);
  }

  sellerByRefreshToken(refreshToken) {
    for (const s of this.sellers.values()) if (s.refreshToken === refreshToken) return s;
    return null;
  }
}

module.exports = { State };
