// listTransactions on generated data: window rules, nextToken, empty pages, exact amounts.
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer } = require('../harness');

let srv;
let tok;
before(async () => {
  srv = await startServer({ config: { sellers: [{ sellerId: 'T1', refreshToken: 'Atzr|t1', orders: 50, transactions: 230,
    transactionsPerPage: 40, emptyPageEvery: 3, plans: { listTransactions: { rate: 1000, burst: 1000 } } }] } });
  tok = await srv.token('Atzr|t1');
});
after(() => srv.stop());

const list = (q) => srv.get(`/finances/2024-06-19/transactions?${q}`, tok);
const daysAgo = (d) => new Date(Date.now() - d * 86400e3).toISOString();

test('pages through every transaction, empty pages still carrying a nextToken', async () => {
  const q = `postedAfter=${daysAgo(100)}`;
  const seen = [];
  let empties = 0;
  let next;
  do {
    const r = await list(next ? `${q}&nextToken=${encodeURIComponent(next)}` : q);
    assert.equal(r.status, 200, r.text);
    const { payload } = r.json();
    next = payload.nextToken;
    if (payload.transactions.length === 0 && next) empties++;
    seen.push(...payload.transactions);
  } while (next);
  assert.equal(seen.length, 230);
  assert.equal(new Set(seen.map((t) => t.transactionId)).size, 230);
  assert.ok(empties >= 2);
  for (let k = 1; k < seen.length; k++) assert.ok(seen[k - 1].postedDate <= seen[k].postedDate);
});

test('amounts are JSON numbers with more digits than a double, and they add up exactly', async () => {
  const r = await list(`postedAfter=${daysAgo(100)}`);
  const amounts = [...r.text.matchAll(/"currencyAmount":(-?\d+\.\d+)/g)].map((m) => m[1]);
  assert.ok(amounts.length > 0);
  assert.ok(amounts.every((a) => a.split('.')[1].length === 19));
  assert.ok(amounts.some((a) => String(Number(a)) !== a));
  // Total = sum of top-level breakdowns, checked on the raw text with BigInt.
  const scaled = (a) => BigInt(a.replace('.', ''));
  const raws = r.text.split('{"sellingPartnerMetadata"').slice(1);
  for (const t of raws) {
    const total = /"totalAmount":\{"currencyCode":"\w+","currencyAmount":(-?[\d.]+)\}/.exec(t)[1];
    const tops = [...t.matchAll(/"breakdownType":"(Sales|Expenses)","breakdownAmount":\{"currencyCode":"\w+","currencyAmount":(-?[\d.]+)\}/g)];
    assert.equal(tops.reduce((s, m) => s + scaled(m[2]), 0n), scaled(total));
  }
});

test('window rules are enforced with 400 InvalidInput', async () => {
  for (const q of ['', `postedBefore=${daysAgo(1)}`, `postedAfter=${new Date().toISOString()}`,
    `postedAfter=${daysAgo(10)}&postedBefore=${new Date(Date.now() - 30e3).toISOString()}`,
    `postedAfter=${daysAgo(200)}&postedBefore=${daysAgo(1)}`, `postedAfter=${daysAgo(200)}`,
    `postedAfter=${daysAgo(1)}&postedBefore=${daysAgo(2)}`]) {
    const r = await list(q);
    assert.equal(r.status, 400, q);
    assert.equal(r.json().errors[0].code, 'InvalidInput', q);
  }
});

test('a nextToken needs the same arguments', async () => {
  const after = daysAgo(100);
  const first = (await list(`postedAfter=${after}`)).json().payload;
  const r = await list(`postedAfter=${daysAgo(99)}&nextToken=${encodeURIComponent(first.nextToken)}`);
  assert.equal(r.status, 400);
});

test('a nextToken expires after 24 hours', async () => {
  const after = daysAgo(100);
  const first = (await list(`postedAfter=${after}`)).json().payload;
  await srv.admin('POST', '/clock', { advanceSeconds: 25 * 3600 });
  tok = await srv.token('Atzr|t1');
  const r = await list(`postedAfter=${after}&nextToken=${encodeURIComponent(first.nextToken)}`);
  assert.equal(r.status, 400);
  assert.match(r.json().errors[0].message, /expired/);
});
