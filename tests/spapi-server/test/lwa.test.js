// LWA token exchange, client authentication, revocation, and 403 on expired access tokens.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

let srv;
before(async () => {
  srv = await startServer({ config: {
    lwa: { clientId: 'amzn1.application-oa2-client.test', clientSecrets: ['old-secret', 'new-secret'], accessTokenLifetime: 600 },
    sellers: [{ sellerId: 'L1', refreshToken: 'Atzr|l1', orders: 2 }],
  } });
});
after(() => srv.stop());

const exchange = (over = {}) => srv.lwa({ grant_type: 'refresh_token', refresh_token: 'Atzr|l1',
  client_id: 'amzn1.application-oa2-client.test', client_secret: 'new-secret', ...over });
const Q = '/orders/2026-01-01/orders?lastUpdatedAfter=2000-01-01T00:00:00Z';

test('a refresh token is exchanged for a bearer access token', async () => {
  for (const secret of ['old-secret', 'new-secret']) {
    const r = await exchange({ client_secret: secret });
    assert.equal(r.status, 200);
    const b = r.json();
    assert.match(b.access_token, /^Atza\|/);
    assert.equal(b.token_type, 'bearer');
    assert.equal(b.expires_in, 600);
    assert.equal((await srv.get(Q, b.access_token)).status, 200);
  }
});

test('OAuth errors: invalid_client, invalid_grant, unsupported_grant_type, invalid_request', async () => {
  const cases = [
    [{ client_secret: 'wrong' }, 401, 'invalid_client'],
    [{ client_id: 'someone-else' }, 401, 'invalid_client'],
    [{ refresh_token: 'Atzr|unknown' }, 400, 'invalid_grant'],
    [{ grant_type: 'authorization_code' }, 400, 'unsupported_grant_type'],
    [{ grant_type: '' }, 400, 'invalid_request'],
  ];
  for (const [over, status, error] of cases) {
    const r = await exchange(over);
    assert.equal(r.status, status, error);
    assert.equal(r.json().error, error);
    assert.equal(typeof r.json().error_description, 'string');
  }
});

test('an expired access token is answered 403 Unauthorized', async () => {
  const tok = (await exchange()).json().access_token;
  assert.equal((await srv.get(Q, tok)).status, 200);
  const e = await srv.admin('POST', '/sellers/L1/expire-tokens');
  assert.ok(e.body.expired >= 1);
  const r = await srv.get(Q, tok);
  assert.equal(r.status, 403);
  assert.equal(r.json().errors[0].code, 'Unauthorized');
  assert.equal(r.json().errors[0].message, 'Access to requested resource is denied.');
  // The lifetime runs on the server clock too.
  const fresh = (await exchange()).json().access_token;
  await srv.admin('POST', '/clock', { advanceSeconds: 601 });
  assert.equal((await srv.get(Q, fresh)).status, 403);
  assert.equal((await srv.get(Q, 'Atza|made-up')).status, 403);
  assert.equal((await srv.request('GET', Q)).status, 403);
  assert.ok((await srv.admin('GET', '/stats')).body.sellers.L1.searchOrders[403] >= 2);
});

test('a revoked refresh token gets invalid_grant until the seller re-authorizes', async () => {
  assert.equal((await srv.admin('POST', '/sellers/L1/revoke', {})).status, 200);
  const r = await exchange();
  assert.equal(r.status, 400);
  assert.equal(r.json().error, 'invalid_grant');
  await srv.admin('POST', '/sellers/L1/refresh-token', { refreshToken: 'Atzr|l1-again' });
  assert.equal((await exchange()).status, 400);
  assert.equal((await exchange({ refresh_token: 'Atzr|l1-again' })).status, 200);
});

test('client credentials can be replaced through the admin API', async () => {
  await srv.admin('PUT', '/lwa', { clientSecret: 'rotated' });
  assert.equal((await exchange({ refresh_token: 'Atzr|l1-again' })).status, 401);
  assert.equal((await exchange({ refresh_token: 'Atzr|l1-again', client_secret: 'rotated' })).status, 200);
});
