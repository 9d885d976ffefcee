// Usage plans: token buckets per (seller, operation), 429 QuotaExceeded, rate headers, counters.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

let srv;
let tokA;
let tokB;
before(async () => {
  srv = await startServer({ config: { sellers: [
    { sellerId: 'A', refreshToken: 'Atzr|a', orders: 3, plans: { searchOrders: { rate: 0.001, burst: 3 } } },
    { sellerId: 'B', refreshToken: 'Atzr|b', orders: 3 },
  ] } });
  tokA = await srv.token('Atzr|a');
  tokB = await srv.token('Atzr|b');
});
after(() => srv.stop());

const Q = '/orders/2026-01-01/orders?lastUpdatedAfter=2000-01-01T00:00:00Z';

test('over the plan: 429 QuotaExceeded without Retry-After, counted per seller', async () => {
  await srv.request('DELETE', '/_admin/stats');
  for (let k = 0; k < 3; k++) {
    const r = await srv.get(Q, tokA);
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-amzn-ratelimit-limit'], '0.001');
  }
  const r = await srv.get(Q, tokA);
  assert.equal(r.status, 429);
  assert.equal(r.text, '{"errors":[{"code":"QuotaExceeded","message":"You exceeded your quota for the requested resource."}]}');
  assert.equal(r.headers['retry-after'], undefined);
  assert.equal(r.headers['x-amzn-ratelimit-limit'], undefined);
  assert.match(r.headers['x-amzn-requestid'], /^[0-9a-f-]{36}$/);
  // Another seller's bucket is untouched, with Amazon's default plan.
  const b = await srv.get(Q, tokB);
  assert.equal(b.status, 200);
  assert.equal(b.headers['x-amzn-ratelimit-limit'], '0.0056');
  const stats = (await srv.admin('GET', '/stats')).body.sellers;
  assert.deepEqual(stats.A.searchOrders, { requests: 4, 200: 3, 403: 0, 429: 1 });
  assert.equal(stats.B.searchOrders[200], 1);
});

test('the bucket refills with (server) time at the plan rate', async () => {
  await srv.admin('PUT', '/sellers/A/plans', { searchOrders: { rate: 0.001, burst: 1 } });
  assert.equal((await srv.get(Q, tokA)).status, 200);
  assert.equal((await srv.get(Q, tokA)).status, 429);
  await srv.admin('POST', '/clock', { advanceSeconds: 500 });
  assert.equal((await srv.get(Q, tokA)).status, 429);
  await srv.admin('POST', '/clock', { advanceSeconds: 500 });
  assert.equal((await srv.get(Q, tokA)).status, 200);
});

test('getOrder and listTransactions have their own buckets with Amazon defaults', async () => {
  const g = await srv.get('/orders/2026-01-01/orders/000-0000000-0000000', tokA);
  assert.equal(g.status, 404);
  assert.equal(g.headers['x-amzn-ratelimit-limit'], '0.5');
  let last;
  for (let k = 0; k < 11; k++) last = await srv.get('/finances/2024-06-19/transactions?postedAfter=2026-01-01', tokB);
  assert.equal(last.status, 429);
});
