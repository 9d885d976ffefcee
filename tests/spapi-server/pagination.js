// Opaque, signed pagination tokens, and the digest of the parameters a token must be repeated with.
'use strict';
const crypto = require('node:crypto');
const { one, invalidInput } = require('./http');

const TOKEN_LIFETIME_MS = 24 * 3600e3;

class Tokens {
  constructor() { this.key = crypto.randomBytes(32); }

  sign(data) { return crypto.createHmac('sha256', this.key).update(data).digest('base64url').slice(0, 22); }

  // state: plain JSON-able object; the token expires TOKEN_LIFETIME_MS after nowMs.
  encode(state, nowMs) {
    const data = Buffer.from(JSON.stringify({ ...state, exp: nowMs + TOKEN_LIFETIME_MS })).toString('base64url');
    return `${data}.${this.sign(data)}`;
  }

  // Returns {state} or {error} ('invalid' or 'expired').
  decode(token, nowMs) {
    const [data, mac, extra] = String(token).split('.');
    if (!data || !mac || extra !== undefined) return { error: 'invalid' };
    const want = Buffer.from(this.sign(data));
    const got = Buffer.from(mac);
    if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) return { error: 'invalid' };
    let state;
    try { state = JSON.parse(Buffer.from(data, 'base64url').toString('utf8')); } catch { return { error: 'invalid' }; }
    if (!(state.exp > nowMs)) return { error: 'expired' };
    return { state };
  }

  // Reads the token in query parameter `name` for operation `op` of `seller`; the request's other
  // parameters (except `name` and `free`) must be those the token was issued with.
  // Returns {state (null without a token), digest} or {error: ApiError}.
  resume(query, name, { op, seller, free = [] }, nowMs) {
    const digest = paramsDigest(query, [name, ...free]);
    const token = one(query, name);
    if (token === undefined) return { state: null, digest };
    const { state, error } = this.decode(token, nowMs);
    if (error) return { error: invalidInput(error === 'expired' ? `${name} has expired` : `Invalid ${name}`) };
    if (state.op !== op || state.seller !== seller) return { error: invalidInput(`Invalid ${name}`) };
    if (state.digest !== digest) {
      return { error: invalidInput(`${name} must be sent with the same other parameters as the request that returned it`) };
    }
    return { state, digest };
  }
}

// Digest of every query parameter except the excluded ones, values in the order given: a token
// is only good with the same parameters as the request that produced it.
function paramsDigest(query, exclude) {
  const parts = [...query.keys()].filter((k) => !exclude.includes(k)).sort()
    .map((k) => `${k}=${query.get(k).join(',')}`);
  return crypto.createHash('sha256').update(parts.join('&')).digest('base64url').slice(0, 16);
}

module.exports = { Tokens, paramsDigest, TOKEN_LIFETIME_MS };
