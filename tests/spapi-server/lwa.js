// Login with Amazon: POST /auth/o2/token (refresh_token grant), the access tokens it issues and
// their expiry, client credentials, and the OAuth error replies.
'use strict';
const crypto = require('node:crypto');
const { readBody } = require('./http');
const { deliver } = require('./faults');

const DEFAULT_CLIENT = { clientId: 'blazed-test-client', clientSecrets: ['blazed-test-secret'], accessTokenLifetime: 3600 };

class AccessTokens {
  constructor(clock) { this.clock = clock; this.byToken = new Map(); }

  issue(sellerId, lifetimeS) {
    if (this.byToken.size >= 10000) this.prune();
    const token = `Atza|${crypto.randomBytes(48).toString('base64url')}`;
    this.byToken.set(token, { sellerId, expiresAt: this.clock.now() + lifetimeS * 1000 });
    return token;
  }

  // {sellerId, expired} for a token this server issued, else null.
  lookup(token) {
    const t = this.byToken.get(token);
    return t ? { sellerId: t.sellerId, expired: this.clock.now() >= t.expiresAt } : null;
  }

  // Expires every token of a seller now; returns how many were still valid.
  expireSeller(sellerId) {
    const now = this.clock.now();
    let n = 0;
    for (const t of this.byToken.values()) {
      if (t.sellerId === sellerId && t.expiresAt > now) { t.expiresAt = now; n++; }
    }
    return n;
  }

  // Forgets tokens expired for more than a day (a token that old is unknown to Amazon too).
  prune() {
    const cutoff = this.clock.now() - 86400e3;
    for (const [k, t] of this.byToken) if (t.expiresAt < cutoff) this.byToken.delete(k);
  }

  clear() { this.byToken.clear(); }
}

// Checks {clientId, clientSecret | clientSecrets, accessTokenLifetime}; returns {client} or {error}.
function normalizeClient(spec, current = DEFAULT_CLIENT) {
  if (!spec || typeof spec !== 'object') return { error: 'lwa settings must be an object' };
  const c = { ...current };
  if (spec.clientId !== undefined) {
    if (typeof spec.clientId !== 'string' || !spec.clientId) return { error: 'clientId: non-empty string' };
    c.clientId = spec.clientId;
  }
  // Several secrets may be valid at once, as during a client-secret rotation.
  const secrets = spec.clientSecrets ?? (spec.clientSecret !== undefined ? [spec.clientSecret] : undefined);
  if (secrets !== undefined) {
    if (!Array.isArray(secrets) || secrets.length === 0 || !secrets.every((s) => typeof s === 'string' && s)) {
      return { error: 'clientSecret: non-empty string, or clientSecrets: non-empty list of them' };
    }
    c.clientSecrets = secrets;
  }
  if (spec.accessTokenLifetime !== undefined) {
    if (!Number.isInteger(spec.accessTokenLifetime) || spec.accessTokenLifetime < 1) return { error: 'accessTokenLifetime: integer seconds >= 1' };
    c.accessTokenLifetime = spec.accessTokenLifetime;
  }
  return { client: c };
}

const FAULT_ERRORS = { 429: 'slow_down', 500: 'server_error', 503: 'temporarily_unavailable' };

// Parses the form (or JSON) body; returns a plain object, or null when it cannot be read.
function parseForm(req, raw) {
  if (raw === null) return null;
  if (/^application\/json/i.test(req.headers['content-type'] || '')) {
    try { const v = JSON.parse(raw.toString('utf8')); return v && typeof v === 'object' ? v : null; } catch { return null; }
  }
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}

// The token endpoint. state: the server State (client, sellers, tokens, faults, stats).
async function handleToken(state, req, res) {
  const raw = await readBody(req, 64 * 1024);
  const form = req.method === 'POST' ? parseForm(req, raw) : null;
  const seller = form && typeof form.refresh_token === 'string' ? state.sellerByRefreshToken(form.refresh_token) : null;
  const sellerId = seller ? seller.sellerId : undefined;
  const reply = (status, body, fault = null) => {
    state.stats.record(sellerId, 'lwa', status);
    deliver(res, status, JSON.stringify(body), { 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store' }, fault);
  };
  const err = (status, error, description) => reply(status, { error_description: description, error });

  const delay = state.faults.latency(sellerId, 'lwa');
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const fault = state.faults.take(sellerId, 'lwa');
  if (fault && (fault.kind === 'status' || fault.kind === 'throttle')) {
    const status = fault.kind === 'throttle' ? 429 : fault.status;
    return err(status, FAULT_ERRORS[status] || 'server_error', 'Injected fault');
  }

  if (!form) return err(400, 'invalid_request', 'The request body must be a form-encoded POST');
  if (!form.grant_type) return err(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
  if (form.grant_type !== 'refresh_token') return err(400, 'unsupported_grant_type', 'The authorization grant type is not supported');
  const c = state.client;
  if (form.client_id !== c.clientId || !c.clientSecrets.includes(form.client_secret)) {
    return err(401, 'invalid_client', 'Client authentication failed');
  }
  if (!form.refresh_token) return err(400, 'invalid_request', 'The request is missing a required parameter : refresh_token');
  if (!seller || seller.revoked) return err(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
  const accessToken = state.accessTokens.issue(sellerId, c.accessTokenLifetime);
  return reply(200, { access_token: accessToken, refresh_token: form.refresh_token, token_type: 'bearer',
    expires_in: c.accessTokenLifetime }, fault);
}

module.exports = { AccessTokens, normalizeClient, handleToken, DEFAULT_CLIENT };
