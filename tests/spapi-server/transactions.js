// listTransactions (Finances 2024-06-19) over a generated seller: posted window, filters,
// nextToken pages, and optional empty pages that still carry a nextToken.
'use strict';
const { one, invalidInput } = require('./http');
const { parseIso } = require('./clock');

const MIN_AGE_MS = 2 * 60e3;
const MAX_WINDOW_MS = 180 * 86400e3;

// Returns {body} or an ApiError.
function listTransactions(seller, query, nowMs, tokens) {
  const pa = one(query, 'postedAfter');
  const pb = one(query, 'postedBefore');
  if (pa === undefined) return invalidInput('Start date cannot be null');
  const after = parseIso(pa);
  if (after === null) return invalidInput('postedAfter must be an ISO 8601 date-time');
  if (after > nowMs - MIN_AGE_MS) return invalidInput('postedAfter must be more than two minutes before the time of the request');
  let before = null;
  if (pb !== undefined) {
    before = parseIso(pb);
    if (before === null) return invalidInput('postedBefore must be an ISO 8601 date-time');
    if (before > nowMs - MIN_AGE_MS) return invalidInput('postedBefore must be more than two minutes before the time of the request');
    if (before <= after) return invalidInput('postedBefore must be later than postedAfter');
  }
  const marketplaceId = one(query, 'marketplaceId');
  const status = one(query, 'transactionStatus');

  const { state, digest, error } = tokens.resume(query, 'nextToken', { op: 'listTransactions', seller: seller.sellerId }, nowMs);
  if (error) return error;
  let upper; let pos; let page;
  if (state) {
    ({ upper, pos, page } = state);
  } else {
    // Amazon's model answers an empty page past 180 days; a 400 makes the client bug visible instead.
    upper = before ?? nowMs - MIN_AGE_MS;
    if (upper - after > MAX_WINDOW_MS) return invalidInput('postedAfter must be at most 180 days before postedBefore (default: two minutes ago)');
    pos = seller.transactionAtOrAfter(after);
    page = 0;
  }
  // Posted strictly before the upper bound.
  const end = seller.transactionAtOrAfter(upper);
  const transactions = [];
  const every = seller.emptyPageEvery;
  const emptyPage = every > 0 && (page + 1) % every === 0;
  if (!emptyPage && (marketplaceId === undefined || marketplaceId === seller.marketplaceId)) {
    for (; pos < end && transactions.length < seller.transactionsPerPage; pos++) {
      const t = seller.transaction(pos);
      if (status === undefined || t.transactionStatus === status) transactions.push(t);
    }
  } else if (!emptyPage) {
    pos = end;
  }
  const payload = {};
  if (pos < end) {
    payload.nextToken = tokens.encode({ op: 'listTransactions', seller: seller.sellerId, digest, upper, pos, page: page + 1 }, nowMs);
  }
  payload.transactions = transactions;
  return { body: { payload } };
}

module.exports = { listTransactions };
