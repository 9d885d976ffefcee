// The admin API: seller lifecycle, validation, reset to the --config state, unknown routes.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

let srv;
before(async () => {
  srv = await startServer({ config: { sellers: [{ sellerId: 'C1', refreshToken: 'Atzr|c1', orders: 10 }] } });
});
after(() => srv.stop());

const Q = '/orders/2026-01-01/orders?lastUpdatedAfter=2000-01-01T00:00:00Z';

test('sellers are added, replaced, read and deleted', async () => {
  const add = await srv.admin('PUT', '/sellers/N1', { refreshToken: 'Atzr|n1', orders: 7, transactions: 3 });
  assert.equal(add.status, 201);
  assert.equal(add.body.orders, 7);
  const tok = await srv.token('Atzr|n1');
  assert.equal((await srv.get(Q, tok)).json().orders.length, 7);
  const replace = await srv.admin('PUT', '/sellers/N1', { refreshToken: 'Atzr|n1', orders: 4 });
  assert.equal(replace.status, 200);
  assert.equal((await srv.get(Q, tok)).json().orders.length, 4);
  assert.deepEqual((await srv.admin('GET', '/sellers')).body.map((s) => s.sellerId).sort(), ['C1', 'N1']);
  assert.equal((await srv.admin('GET', '/sellers/N1')).body.transactions, 0);
  assert.equal((await srv.admin('DELETE', '/sellers/N1')).status, 200);
  assert.equal((await srv.get(Q, tok)).status, 403);
  assert.equal((await srv.admin('GET', '/sellers/N1')).status, 404);
});

test('bad definitions and unknown routes are refused', async () => {
  for (const def of [{}, { refreshToken: 'x', orders: -1 }, { refreshToken: 'x', plans: { nope: { rate: 1, burst: 1 } } },
    { refreshToken: 'Atzr|c1' }, { refreshToken: 'x', sellerId: 'OTHER' }, { refreshToken: 'x', anchor: 'soon' }]) {
    assert.equal((await srv.admin('PUT', '/sellers/BAD', def)).status, 400, JSON.stringify(def));
  }
  assert.equal((await srv.request('PUT', '/_admin/sellers/BAD', { body: '{not json' })).status, 400);
  assert.equal((await srv.admin('GET', '/nothing-here')).status, 404);
  assert.equal((await srv.admin('POST', '/sellers/GHOST/revoke', {})).status, 404);
  assert.equal((await srv.admin('GET', '/sellers/%E0')).status, 400);
  assert.equal((await srv.get('/orders/2026-01-01/orders/%E0', 'x')).status, 404);
});

test('reset returns to the --config state', async () => {
  await srv.admin('PUT', '/sellers/N2', { refreshToken: 'Atzr|n2' });
  await srv.admin('POST', '/sellers/C1/orders', { add: 5 });
  await srv.admin('POST', '/faults', { kind: 'throttle', count: 9 });
  await srv.admin('POST', '/clock', { advanceSeconds: 60 });
  assert.equal((await srv.admin('POST', '/reset')).status, 200);
  assert.deepEqual((await srv.admin('GET', '/sellers')).body.map((s) => [s.sellerId, s.orders]), [['C1', 10]]);
  assert.deepEqual((await srv.admin('GET', '/faults')).body, []);
  assert.equal((await srv.admin('GET', '/clock')).body.offsetMs, 0);
  assert.deepEqual((await srv.admin('GET', '/stats')).body, { sellers: {}, inFlight: {} });
});
