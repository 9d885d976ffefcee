// Owns the listTransactions page of a transactions sync run (postedAfter/Before = the window).
#include "jobs/sync/page_fetch.hpp"

namespace blazed::jobs::sync {

boost::asio::awaitable<Result<FetchedPage>> fetch_transactions(spapi::SpApiClient& client,
                                                               const spapi::SellerAuth& auth,
                                                               const SyncWindow& window,
                                                               const std::optional<std::string>& token) {
  spapi::ListTransactionsParams p;
  p.posted_after = window.after;
  p.posted_before = window.before;
  p.next_token = token;
  auto r = co_await client.list_transactions(auth, std::move(p));
  if (!r) co_return r.error();
  FetchedPage page = page_of(*r);
  page.transactions = std::move(r->value.transactions);
  co_return page;
}

}  // namespace blazed::jobs::sync
