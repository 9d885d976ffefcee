// Deterministic fake data from a seed: order ids, orders (2026-01-01 shape), transactions (2024-06-19 shape).
'use strict';
const crypto = require('node:crypto');
const { RawNumber } = require('./json');
const { isoSeconds } = require('./clock');

const MARKETPLACES = {
  ATVPDKIKX0DER: { name: 'Amazon.com', currency: 'USD', country: 'US', decimals: 2 },
  A2EUQ1WTGCTBG2: { name: 'Amazon.ca', currency: 'CAD', country: 'CA', decimals: 2 },
  A1F83G8C2ARO7P: { name: 'Amazon.co.uk', currency: 'GBP', country: 'GB', decimals: 2 },
  A1PA6795UKMFR9: { name: 'Amazon.de', currency: 'EUR', country: 'DE', decimals: 2 },
  A1VC38T7YXB528: { name: 'Amazon.co.jp', currency: 'JPY', country: 'JP', decimals: 0 },
};
const marketplace = (id) => MARKETPLACES[id] || { name: 'Amazon', currency: 'USD', country: 'US', decimals: 2 };

// 32-bit seed from any seed value.
const seedInt = (seed) => crypto.createHash('sha256').update(String(seed)).digest().readUInt32BE(0);

// mulberry32 on a (seed, stream, index) triple: each order/transaction has its own random stream,
// so item i is generated without generating items 0..i-1.
function rng(seed, stream, index) {
  let a = (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let k = 0; k < 4; k++) next();
  return next;
}
const STREAM = { times: 0, order: 1, transaction: 2, id: 3 };
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const pad = (n, w) => String(n).padStart(w, '0');

// Order ids "DDD-DDDDDDD-DDDDDDD": the middle block is (i*A + B) mod 10^7, a bijection for i < 10^7
// (A is coprime with 10), so an id maps back to its index without a lookup table.
const ID_A = 3141593;
const ID_M = 10000000;
const ID_A_INV = (() => {
  let [r0, r1, s0, s1] = [BigInt(ID_M), BigInt(ID_A), 0n, 1n];
  while (r1 !== 0n) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return Number(((s0 % BigInt(ID_M)) + BigInt(ID_M)) % BigInt(ID_M));
})();
const MAX_ORDERS = ID_M;

function orderId(seed, i) {
  const prefix = 100 + (seed % 900);
  const mid = (i * ID_A + (seed % ID_M)) % ID_M;
  const tail = Math.floor(rng(seed, STREAM.id, i)() * ID_M);
  return `${prefix}-${pad(mid, 7)}-${pad(tail, 7)}`;
}

// The index an id was made from, or -1 (the caller still checks the index exists).
function orderIndex(seed, id) {
  const m = /^(\d{3})-(\d{7})-(\d{7})$/.exec(id || '');
  if (!m) return -1;
  const mid = Number(m[2]);
  const i = Number((BigInt((mid - (seed % ID_M) + ID_M) % ID_M) * BigInt(ID_A_INV)) % BigInt(ID_M));
  return orderId(seed, i) === id ? i : -1;
}

// Initial created/lastUpdated times of order i: spread over the 90 days before the anchor, all at
// least 3 minutes old so a default search (upper bound now - 2 min) sees every one.
function orderTimes(seed, i, anchorMs) {
  const r = rng(seed, STREAM.times, i);
  const span = 90 * 86400e3 - 10 * 60e3;
  const created = anchorMs - 90 * 86400e3 + Math.floor(r() * span);
  const room = Math.min(5 * 86400e3, anchorMs - 3 * 60e3 - created);
  const updated = created + Math.floor(r() * r() * room);
  return [Math.floor(created / 1000) * 1000, Math.floor(updated / 1000) * 1000];
}

const money = (minor, mp) => ({
  amount: mp.decimals === 0 ? String(minor) : `${Math.floor(minor / 100)}.${pad(minor % 100, 2)}`,
  currencyCode: mp.currency,
});

function postalCode(r, country) {
  const L = () => String.fromCharCode(65 + int(r, 0, 25));
  switch (country) {
    case 'JP': return `${pad(int(r, 100, 999), 3)}-${pad(int(r, 0, 9999), 4)}`;
    case 'GB': return `${L()}${L()}${int(r, 1, 9)} ${int(r, 1, 9)}${L()}${L()}`;
    case 'CA': return `${L()}${int(r, 1, 9)}${L()} ${int(r, 1, 9)}${L()}${int(r, 1, 9)}`;
    default: return pad(int(r, 1000, 99999), 5);
  }
}

const LADDER = ['PENDING', 'UNSHIPPED', 'SHIPPED'];

// One order. s: {seed, marketplaceId, canary}; included: Set of includedData names; version: times
// the order was bumped (each bump moves it one step along PENDING -> UNSHIPPED -> SHIPPED).
function order(s, i, createdMs, updatedMs, version, included) {
  const mp = marketplace(s.marketplaceId);
  const r = rng(s.seed, STREAM.order, i);
  const id = orderId(s.seed, i);
  const mid = id.slice(4, 11);
  const fulfilledBy = r() < 0.6 ? 'AMAZON' : 'MERCHANT';
  const roll = r();
  const status = roll < 0.1 ? 'CANCELLED' : LADDER[Math.min(2, (roll < 0.2 ? 0 : roll < 0.4 ? 1 : 2) + version)];
  const prime = r() < 0.5;
  const items = [];
  let total = 0;
  const nItems = int(r, 1, 3);
  for (let k = 0; k < nItems; k++) {
    const p = int(r, 1, 5000);
    const qty = int(r, 1, 3);
    const unit = mp.decimals === 0 ? int(r, 3, 200) * 100 : int(r, 299, 19999);
    total += unit * qty;
    const item = {
      orderItemId: `${mid}${pad(k, 2)}${pad(int(r, 0, 99999), 5)}`,
      quantityOrdered: qty,
      product: {
        asin: `B0${pad(p.toString(36).toUpperCase(), 8)}`,
        title: `Test Product ${p}`,
        sellerSku: `SKU-${pad(p, 5)}`,
        condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
        price: { unitPrice: money(unit, mp) },
      },
    };
    if (included.has('PROCEEDS')) {
      item.proceeds = { proceedsTotal: money(unit * qty, mp),
        breakdowns: [{ type: 'ITEM', subtotal: money(unit * qty, mp) }] };
    }
    if (included.has('FULFILLMENT')) {
      const done = status === 'SHIPPED' ? qty : 0;
      item.fulfillment = { quantityFulfilled: done, quantityUnfulfilled: status === 'CANCELLED' ? 0 : qty - done };
    }
    items.push(item);
  }
  const o = {
    orderId: id,
    orderAliases: [{ aliasId: `SO-${mid}`, aliasType: 'SELLER_ORDER_ID' }],
    createdTime: isoSeconds(createdMs),
    lastUpdatedTime: isoSeconds(updatedMs),
    programs: prime ? ['PRIME'] : [],
    salesChannel: { channelName: 'AMAZON', marketplaceId: s.marketplaceId, marketplaceName: mp.name },
  };
  const c = s.canary || {};
  if (included.has('BUYER')) {
    o.buyer = { buyerName: c.name || `Test Buyer ${mid}`, buyerEmail: c.email || `buyer-${mid}@marketplace.example` };
  }
  if (included.has('RECIPIENT')) {
    const ra = rng(s.seed, STREAM.order + 10, i);
    o.recipient = { deliveryAddress: {
      name: c.name || `Test Recipient ${mid}`,
      addressLine1: `${int(ra, 1, 999)} Test Street`,
      city: 'Testville',
      postalCode: c.postalCode || postalCode(ra, mp.country),
      countryCode: mp.country,
      addressType: 'RESIDENTIAL',
    } };
  }
  if (included.has('PROCEEDS')) o.proceeds = { grandTotal: money(total, mp) };
  if (included.has('FULFILLMENT')) {
    o.fulfillment = { fulfillmentStatus: status, fulfilledBy, fulfillmentServiceLevel: prime ? 'EXPEDITED' : 'STANDARD' };
  }
  o.orderItems = items;
  return o;
}

// Posted time of transaction j: (j + jitter) steps through the 90 days before the anchor, so times
// never decrease with j and a time bound maps to an index by binary search.
function transactionPosted(s, j, count, anchorMs) {
  const start = anchorMs - 90 * 86400e3;
  const step = (90 * 86400e3 - 3 * 60e3) / Math.max(1, count);
  return Math.floor(start + (j + rng(s.seed, STREAM.transaction + 10, j)()) * step);
}

const SCALE = 10n ** 19n;
// A decimal with 19 fraction digits as raw JSON text: more precision than a double holds.
function decimalText(v) {
  const neg = v < 0n; const a = neg ? -v : v;
  return new RawNumber(`${neg ? '-' : ''}${a / SCALE}.${(a % SCALE).toString().padStart(19, '0')}`);
}
// lo..hi whole units plus 19 random fraction digits (8 + 8 + 3).
const bigRandom = (r, lo, hi) => BigInt(int(r, lo, hi)) * SCALE
  + BigInt(int(r, 0, 99999999)) * 10n ** 11n + BigInt(int(r, 0, 99999999)) * 1000n + BigInt(int(r, 0, 999));

// One transaction; amounts are exact: total = charges + fees to the last of 19 fraction digits.
// orderIdFor(j) names a related order of the same seller, or null.
function transaction(s, j, postedMs, orderIdFor) {
  const mp = marketplace(s.marketplaceId);
  const r = rng(s.seed, STREAM.transaction, j);
  const roll = r();
  const type = roll < 0.7 ? 'Shipment' : roll < 0.9 ? 'Refund' : 'ServiceFee';
  const sign = type === 'Shipment' ? 1n : -1n;
  const charges = type === 'ServiceFee' ? 0n : sign * bigRandom(r, 1, 500);
  const fees = type === 'ServiceFee' ? -bigRandom(r, 1, 40) : -sign * (charges * sign * 15n) / 100n;
  const cur = (v) => ({ currencyCode: mp.currency, currencyAmount: decimalText(v) });
  const related = [{ relatedIdentifierName: 'FINANCIAL_EVENT_GROUP_ID',
    relatedIdentifierValue: `FEG-${pad(s.seed % 100000, 5)}-${pad(Math.floor(j / 500), 6)}` }];
  const oid = orderIdFor(j);
  if (oid && type !== 'ServiceFee') related.push({ relatedIdentifierName: 'ORDER_ID', relatedIdentifierValue: oid });
  const breakdowns = [];
  if (charges !== 0n) {
    breakdowns.push({ breakdownType: 'Sales', breakdownAmount: cur(charges),
      breakdowns: [{ breakdownType: 'ProductCharges', breakdownAmount: cur(charges) }] });
  }
  breakdowns.push({ breakdownType: 'Expenses', breakdownAmount: cur(fees),
    breakdowns: [{ breakdownType: 'AmazonFees', breakdownAmount: cur(fees) }] });
  return {
    sellingPartnerMetadata: { sellingPartnerId: s.sellerId, accountType: 'PAYABLE', marketplaceId: s.marketplaceId },
    relatedIdentifiers: related,
    transactionType: type,
    transactionId: `TX${pad(s.seed % 1000000, 6)}${pad(j, 9)}`,
    transactionStatus: r() < 0.1 ? 'DEFERRED' : 'RELEASED',
    description: type === 'ServiceFee' ? 'Subscription fee' : type,
    postedDate: new Date(postedMs).toISOString(),
    totalAmount: cur(charges + fees),
    marketplaceDetails: { marketplaceId: s.marketplaceId, marketplaceName: mp.name },
    breakdowns,
  };
}

module.exports = { MARKETPLACES, MAX_ORDERS, seedInt, orderId, orderIndex, orderTimes, order,
  transactionPosted, transaction };
