// Injected faults: N-shot 5xx, bursts of 429, truncated, malformed and oversized bodies, latency.
'use strict';
const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

let srv;
let tok;
before(async () => {
  srv = await startServer({ config: { sellers: [{ sellerId: 'F1', refreshToken: 'Atzr|f1', orders: 300,
    plans: { searchOrders: { rate: 1000, burst: 1000 } } }, { sellerId: 'F2', refreshToken: 'Atzr|f2', orders: 1,
    plans: { searchOrders: { rate: 1000, burst: 1000 } } }] } });
  tok = await srv.token('Atzr|f1');
});
after(() => srv.stop());
beforeEach(() => srv.request('DELETE', '/_admin/faults'));

const Q = '/orders/2026-01-01/orders?lastUpdatedAfter=2000-01-01T00:00:00Z';

test('an N-shot 503 hits the next N requests of that seller, then clears', async () => {
  const other = await srv.token('Atzr|f2');
  assert.equal((await srv.admin('POST', '/faults', { sellerId: 'F1', kind: 'status', status: 503, count: 2 })).status, 201);
  assert.equal((await srv.get(Q, other)).status, 200);
  const a = await srv.get(Q, tok);
  assert.equal(a.status, 503);
  assert.equal(a.json().errors[0].code, 'ServiceUnavailable');
  assert.equal((await srv.get(Q, tok)).status, 503);
  assert.equal((await srv.get(Q, tok)).status, 200);
  assert.deepEqual((await srv.admin('GET', '/faults')).body, []);
});

test('a burst of 429s is counted as throttled', async () => {
  await srv.request('DELETE', '/_admin/stats');
  await srv.admin('POST', '/faults', { kind: 'throttle', count: 3, operation: 'searchOrders' });
  const statuses = [];
  for (let k = 0; k < 4; k++) statuses.push((await srv.get(Q, tok)).status);
  assert.deepEqual(statuses, [429, 429, 429, 200]);
  assert.equal((await srv.admin('GET', '/stats')).body.sellers.F1.searchOrders[429], 3);
});

test('requests of one seller in flight at once are counted as overlaps, those of two sellers are not', async () => {
  await srv.request('DELETE', '/_admin/stats');
  const other = await srv.token('Atzr|f2');
  await srv.admin('POST', '/faults', { sellerId: 'F1', kind: 'latency', ms: 300, count: 1, persistent: false });
  await Promise.all([srv.get(Q, tok), srv.get(Q, other)]);
  let inFlight = (await srv.admin('GET', '/stats')).body.inFlight;
  assert.equal(inFlight.F1.overlaps, 0);
  assert.equal(inFlight.F2.overlaps, 0);
  await srv.admin('POST', '/faults', { sellerId: 'F1', kind: 'latency', ms: 300, count: 1, persistent: false });
  await Promise.all([srv.get(Q, tok), srv.get(Q, tok)]);
  inFlight = (await srv.admin('GET', '/stats')).body.inFlight;
  assert.equal(inFlight.F1.overlaps, 1);
  assert.equal(inFlight.F1.max, 2);
  assert.equal(inFlight.F1.now, 0);
  assert.equal(inFlight.F1.first[0].alsoInFlight[0].operation, 'searchOrders');
});

test('a truncated body breaks the transfer', async () => {
  await srv.admin('POST', '/faults', { kind: 'truncate' });
  await assert.rejects(srv.get(Q, tok));
  assert.equal((await srv.get(Q, tok)).status, 200);
});

test('a malformed body is a complete reply that is not JSON', async () => {
  await srv.admin('POST', '/faults', { kind: 'malformed' });
  const r = await srv.get(Q, tok);
  assert.equal(r.status, 200);
  assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
  assert.throws(() => JSON.parse(r.text));
});

test('an oversized body has exactly the asked size', async () => {
  await srv.admin('POST', '/faults', { kind: 'oversize', bytes: 3 * 1024 * 1024 });
  const r = await srv.get(Q, tok);
  assert.equal(r.status, 200);
  assert.equal(Buffer.byteLength(r.text), 3 * 1024 * 1024);
  assert.deepEqual(r.json().orders, []);
});

test('LWA faults only when the fault names lwa', async () => {
  await srv.admin('POST', '/faults', { kind: 'status', status: 500 });
  assert.equal((await srv.token('Atzr|f1')).startsWith('Atza|'), true);
  await srv.request('DELETE', '/_admin/faults');
  await srv.admin('POST', '/faults', { kind: 'status', status: 500, operation: 'lwa' });
  await assert.rejects(srv.token('Atzr|f1'), /LWA 500/);
});

test('latency entries are listed until cleared and requests still succeed', async () => {
  await srv.admin('POST', '/faults', { kind: 'latency', ms: 20, sellerId: 'F1' });
  assert.equal((await srv.get(Q, tok)).status, 200);
  assert.equal((await srv.get(Q, tok)).status, 200);
  const list = (await srv.admin('GET', '/faults')).body;
  assert.equal(list.length, 1);
  assert.equal(list[0].kind, 'latency');
});

test('bad fault specs are refused', async () => {
  for (const spec of [{ kind: 'explode' }, { kind: 'status', status: 200 }, { kind: 'status', count: 0 }, { kind: 'latency' }]) {
    assert.equal((await srv.admin('POST', '/faults', spec)).status, 400, JSON.stringify(spec));
  }
});
