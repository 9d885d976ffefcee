// Usage plans: a token bucket per (seller, operation), Amazon's default rates and bursts, overrides.
'use strict';

// Amazon's defaults per seller and application (rate: requests per second).
const DEFAULT_PLANS = {
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  listTransactions: { rate: 0.5, burst: 10 },
};
// Any operation answered from the static sandbox.
const SANDBOX_PLAN = { rate: 5, burst: 15 };

class Plans {
  constructor(clock) {
    this.clock = clock;
    this.overrides = new Map(); // sellerId -> {operation: {rate, burst}}
    this.buckets = new Map(); // `${sellerId}\n${operation}\n${sandbox}` -> {tokens, last}
  }

  plan(sellerId, operation, sandbox) {
    if (sandbox) return SANDBOX_PLAN;
    const o = this.overrides.get(sellerId);
    return (o && o[operation]) || DEFAULT_PLANS[operation];
  }

  // Takes one token if the bucket has one; returns {ok, plan}.
  take(sellerId, operation, sandbox) {
    const plan = this.plan(sellerId, operation, sandbox);
    const key = `${sellerId}\n${operation}\n${sandbox}`;
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (!b) { b = { tokens: plan.burst, last: now }; this.buckets.set(key, b); }
    // A clock moved back by the admin API must not drain the bucket.
    b.tokens = Math.min(plan.burst, b.tokens + (Math.max(0, now - b.last) / 1000) * plan.rate);
    b.last = now;
    if (b.tokens < 1) return { ok: false, plan };
    b.tokens -= 1;
    return { ok: true, plan };
  }

  // Replaces some of a seller's plans; their buckets start full at the new burst.
  set(sellerId, plans) {
    this.overrides.set(sellerId, { ...(this.overrides.get(sellerId) || {}), ...plans });
    for (const op of Object.keys(plans)) {
      for (const sandbox of [true, false]) this.buckets.delete(`${sellerId}\n${op}\n${sandbox}`);
    }
  }

  forget(sellerId) {
    this.overrides.delete(sellerId);
    for (const key of this.buckets.keys()) if (key.startsWith(`${sellerId}\n`)) this.buckets.delete(key);
  }
}

module.exports = { Plans, DEFAULT_PLANS, SANDBOX_PLAN };
