// searchOrders / getOrder on generated data: filters, ordering, the pagination contract, PII only
// on request, incremental sync after mutations.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

const CANARY = { name: 'Canary Q. Recipient', email: 'canary-7f3a@example.net', postalCode: 'CANARY-94110' };
let srv;
let tok;
before(async () => {
  srv = await startServer({ config: { sellers: [{ sellerId: 'S1', refreshToken: 'Atzr|s1', orders: 250, seed: 42,
    recipientCanary: CANARY, plans: { searchOrders: { rate: 1000, burst: 1000 }, getOrder: { rate: 1000, burst: 1000 } } }] } });
  tok = await srv.token('Atzr|s1');
});
after(() => srv.stop());

const search = (q) => srv.get(`/orders/2026-01-01/orders?${q}`, tok);
const EPOCH = 'lastUpdatedAfter=2000-01-01T00:00:00Z';

// Follows nextToken to the end; returns every page body.
async function allPages(q) {
  const pages = [];
  let next;
  do {
    const r = await search(next ? `${q}&paginationToken=${encodeURIComponent(next)}` : q);
    assert.equal(r.status, 200, r.text);
    const body = r.json();
    pages.push(body);
    next = body.pagination && body.pagination.nextToken;
  } while (next);
  return pages;
}

test('pages through every order once, by lastUpdatedTime ascending', async () => {
  const pages = await allPages(`${EPOCH}&maxResultsPerPage=100`);
  assert.deepEqual(pages.map((p) => p.orders.length), [100, 100, 50]);
  const orders = pages.flatMap((p) => p.orders);
  assert.equal(new Set(orders.map((o) => o.orderId)).size, 250);
  for (let k = 1; k < orders.length; k++) assert.ok(orders[k - 1].lastUpdatedTime <= orders[k].lastUpdatedTime);
  for (const o of orders) {
    assert.match(o.orderId, /^\d{3}-\d{7}-\d{7}$/);
    assert.ok(o.orderItems.length >= 1);
  }
  assert.ok(pages.every((p) => typeof p.lastUpdatedBefore === 'string'));
});

test('the same seed gives the same orders', async () => {
  const a = (await search(`${EPOCH}&maxResultsPerPage=5&includedData=PROCEEDS`)).json().orders;
  const b = (await search(`${EPOCH}&maxResultsPerPage=5&includedData=PROCEEDS`)).json().orders;
  assert.deepEqual(a, b);
  assert.match(a[0].proceeds.grandTotal.amount, /^\d+\.\d{2}$/);
});

test('a pagination token needs the other parameters repeated unchanged', async () => {
  const first = (await search(`${EPOCH}&maxResultsPerPage=10`)).json();
  const t = encodeURIComponent(first.pagination.nextToken);
  // maxResultsPerPage and includedData may change.
  assert.equal((await search(`${EPOCH}&maxResultsPerPage=20&includedData=BUYER&paginationToken=${t}`)).status, 200);
  for (const q of [`lastUpdatedAfter=2000-01-02T00:00:00Z&paginationToken=${t}`, `paginationToken=${t}`,
    `${EPOCH}&marketplaceIds=ATVPDKIKX0DER&paginationToken=${t}`, `${EPOCH}&paginationToken=${t}x`]) {
    const r = await search(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.json().errors[0].code, 'InvalidInput');
    assert.ok(r.headers['x-amzn-ratelimit-limit']);
  }
});

test('parameter rules are enforced with 400 InvalidInput', async () => {
  const recent = new Date(Date.now() - 60e3).toISOString();
  for (const q of ['', `${EPOCH}&createdAfter=2000-01-01T00:00:00Z`, `${EPOCH}&createdBefore=2001-01-01T00:00:00Z`,
    `${EPOCH}&lastUpdatedBefore=${recent}`, `${EPOCH}&maxResultsPerPage=0`, `${EPOCH}&maxResultsPerPage=101`,
    `${EPOCH}&includedData=NOPE`, 'lastUpdatedAfter=yesterday',
    `lastUpdatedAfter=2001-01-01T00:00:00Z&lastUpdatedBefore=2000-01-01T00:00:00Z`]) {
    const r = await search(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.json().errors[0].code, 'InvalidInput', q);
  }
});

test('buyer and recipient data only with BUYER/RECIPIENT, carrying the planted canary', async () => {
  const plain = await search(`${EPOCH}&maxResultsPerPage=100&includedData=PROCEEDS,FULFILLMENT`);
  for (const v of Object.values(CANARY)) assert.ok(!plain.text.includes(v));
  assert.ok(plain.json().orders.every((o) => o.buyer === undefined && o.recipient === undefined));
  const pii = (await search(`${EPOCH}&maxResultsPerPage=3&includedData=BUYER,RECIPIENT`)).json().orders;
  for (const o of pii) {
    assert.equal(o.buyer.buyerEmail, CANARY.email);
    assert.equal(o.recipient.deliveryAddress.postalCode, CANARY.postalCode);
    assert.equal(o.recipient.deliveryAddress.name, CANARY.name);
  }
});

test('createdAfter/createdBefore and the marketplace filter', async () => {
  const all = (await allPages(`${EPOCH}`)).flatMap((p) => p.orders);
  const sorted = all.map((o) => o.createdTime).sort();
  const from = sorted[100];
  const to = sorted[199];
  const got = (await allPages(`createdAfter=${from}&createdBefore=${to}&maxResultsPerPage=30`)).flatMap((p) => p.orders);
  assert.equal(got.length, all.filter((o) => o.createdTime >= from && o.createdTime <= to).length);
  assert.ok(got.every((o) => o.createdTime >= from && o.createdTime <= to));
  const other = (await search(`${EPOCH}&marketplaceIds=A1PA6795UKMFR9`)).json();
  assert.deepEqual(other.orders, []);
  const own = (await search(`${EPOCH}&marketplaceIds=A1PA6795UKMFR9,ATVPDKIKX0DER&maxResultsPerPage=7`)).json();
  assert.equal(own.orders.length, 7);
  const shipped = (await allPages(`${EPOCH}&fulfillmentStatuses=SHIPPED&includedData=FULFILLMENT`)).flatMap((p) => p.orders);
  assert.ok(shipped.length > 0 && shipped.length < 250);
  assert.ok(shipped.every((o) => o.fulfillment.fulfillmentStatus === 'SHIPPED'));
});

test('getOrder returns the order searchOrders returned; unknown ids are 404', async () => {
  const o = (await search(`${EPOCH}&maxResultsPerPage=1&includedData=PROCEEDS`)).json().orders[0];
  const r = await srv.get(`/orders/2026-01-01/orders/${o.orderId}?includedData=PROCEEDS`, tok);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json().order, o);
  const missing = await srv.get('/orders/2026-01-01/orders/111-0000000-0000000', tok);
  assert.equal(missing.status, 404);
  assert.equal(missing.json().errors[0].code, 'NotFound');
});

test('bumped and added orders are exactly what an incremental search finds', async () => {
  const cursor = (await search(EPOCH)).json().lastUpdatedBefore;
  const m = await srv.admin('POST', '/sellers/S1/orders', { bump: { count: 5 }, add: 3 });
  assert.equal(m.status, 200);
  assert.equal(m.body.orders, 253);
  // The changes are "now": not visible until they are two minutes old.
  assert.deepEqual((await search(`lastUpdatedAfter=${cursor}`)).json().orders, []);
  await srv.admin('POST', '/clock', { advanceSeconds: 180 });
  const found = (await allPages(`lastUpdatedAfter=${cursor}`)).flatMap((p) => p.orders).map((o) => o.orderId);
  assert.deepEqual(found.sort(), [...m.body.bumped, ...m.body.added].sort());
});
