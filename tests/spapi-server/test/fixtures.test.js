// The static sandbox cases are served byte for byte, for a sandbox seller and under /sandbox.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { startServer } = require('../harness');
const { MODELS_DIR } = require('../fixtures');

let srv;
let sandboxToken;
let plainToken;
before(async () => {
  srv = await startServer({ config: { sellers: [
    { sellerId: 'SANDBOX1', refreshToken: 'Atzr|sandbox1', sandbox: true },
    { sellerId: 'PLAIN1', refreshToken: 'Atzr|plain1', orders: 5 },
  ] } });
  sandboxToken = await srv.token('Atzr|sandbox1');
  plainToken = await srv.token('Atzr|plain1');
});
after(() => srv.stop());

// The model's cases read here with plain JSON.parse, independently of the server's loader.
function modelCases() {
  const dir = process.env.SPAPI_MODELS_DIR || MODELS_DIR;
  const ops = [['orders_2026-01-01.json', '/orders/2026-01-01/orders'], ['orders_2026-01-01.json', '/orders/2026-01-01/orders/{orderId}'],
    ['finances_2024-06-19.json', '/finances/2024-06-19/transactions']];
  const out = [];
  for (const [file, p] of ops) {
    const model = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    for (const [status, r] of Object.entries(model.paths[p].get.responses)) {
      for (const c of (r['x-amzn-api-sandbox'] || {}).static || []) out.push({ status: Number(status), response: c.response });
    }
  }
  return out;
}

test('the listing holds every static case of the three operations', async () => {
  const r = await srv.request('GET', '/_admin/fixtures');
  assert.equal(r.status, 200);
  const list = r.json();
  const want = modelCases();
  assert.equal(list.length, want.length);
  assert.deepEqual(list.map((f) => f.operation).sort(), [
    'getOrder', 'getOrder', 'getOrder', 'getOrder', 'listTransactions', 'listTransactions',
    'searchOrders', 'searchOrders', 'searchOrders', 'searchOrders']);
  list.forEach((f, k) => {
    assert.equal(f.status, want[k].status);
    assert.deepEqual(f.response, want[k].response);
  });
});

test('every case is answered with its status and the model body, byte for byte', async () => {
  const list = (await srv.request('GET', '/_admin/fixtures')).json();
  const want = modelCases();
  for (const [k, f] of list.entries()) {
    for (const [target, token] of [[f.target, sandboxToken], [`/sandbox${f.target}`, plainToken]]) {
      const r = await srv.get(target, token);
      assert.equal(r.status, f.status, target);
      // The model's numbers are all integers, so JSON.stringify of the model object is the exact text.
      assert.equal(r.text, JSON.stringify(want[k].response), target);
      assert.match(r.headers['x-amzn-requestid'], /^[0-9a-f-]{36}$/);
      assert.equal(r.headers['x-amzn-ratelimit-limit'], '5');
    }
  }
});

test('a sandbox request matching no case is a 400 InvalidInput', async () => {
  const r = await srv.get('/orders/2026-01-01/orders?createdAfter=2001-01-01T00:00:00Z', sandboxToken);
  assert.equal(r.status, 400);
  assert.equal(r.json().errors[0].code, 'InvalidInput');
});

test('array parameters match in any order and as repeated names', async () => {
  const r = await srv.get('/orders/2026-01-01/orders/114-9876543-1234567?includedData=FULFILLMENT,RECIPIENT&includedData=PROCEEDS', sandboxToken);
  assert.equal(r.status, 200);
  assert.equal(r.json().order.orderId, '114-9876543-1234567');
});
