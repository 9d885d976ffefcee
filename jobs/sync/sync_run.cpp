// Owns the page loop of one data type (see sync_run.hpp): rate-limit token before each call,
// the plan rate from x-amzn-RateLimit-Limit after each, slow-down and deferral on 429.
#include "jobs/sync/sync_run.hpp"

#include "core/log.hpp"
#include "jobs/sync/errc.hpp"
#include "jobs/sync/sync_audit.hpp"
#include "queue/handlers.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "spapi/errc.hpp"
#include "spapi/transactions.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>

#include <charconv>
#include <tuple>

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

namespace blazed::jobs::sync {

namespace {

const log::Logger& logger() {
  static const log::Logger l("sync");
  return l;
}

std::optional<double> parse_rate(const std::optional<std::string>& header) {
  if (!header) return std::nullopt;
  double v = 0;
  auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), v);
  if (ec != std::errc{} || end != header->data() + header->size() || !(v > 0)) return std::nullopt;
  return v;
}

// The seller still current, one token from its bucket, then the page; a denied token sets
// `come_back_at` (when the next one is due) and fails the fetch.
asio::awaitable<Result<FetchedPage>> acquire_and_fetch(SyncPorts deps, const RunTarget& t, RunInProgress run,
                                                       std::optional<Clock::time_point>& come_back_at) {
  // Disconnected, deleted or given a new token since the run began: no further page.
  auto current = co_await deps.sellers.seller(t.seller.id);
  if (!current) co_return current.error();
  if (current->status != "active" || current->token_generation != t.seller.token_generation)
    co_return make_error(errc::sync_stopped, "seller " + std::to_string(t.seller.id) + " is " + current->status +
                                                 (current->status == "active" ? " with a new token" : ""));
  // Never above the seller's plan, whatever other daemons do: the bucket is shared in Redis.
  auto permit = co_await deps.limiter.try_acquire(t.seller.id, operation_of(t.type));
  if (!permit) co_return permit.error();
  if (!permit->granted) {
    come_back_at = permit->retry_at;
    co_return make_error(errc::defer, "rate limit: next token due later");
  }
  if (t.token != nullptr)
    if (auto opened = t.token->open(); !opened) co_return opened.error();
  co_return co_await deps.pages.fetch(t, run.window, run.resume_token);
}

asio::awaitable<Result<std::int64_t>> commit(SyncPorts deps, std::int64_t seller, const PageToStore& page) {
  co_return co_await deps.store.commit_page(seller, page);
}

}  // namespace

WindowRules window_rules(DataType type) {
  WindowRules rules;
  if (type == DataType::transactions)
    rules.max_span = std::chrono::duration_cast<std::chrono::milliseconds>(spapi::max_transactions_window);
  return rules;
}

asio::awaitable<queue::HandlerOutcome> sync_data_type(SyncPorts deps, const RunTarget& t, RunReport& report) {
  const std::int64_t seller = t.seller.id;
  const std::string_view op = operation_of(t.type);
  auto state = co_await deps.store.state(seller, t.type);
  if (!state) co_return state.error();
  report.cursor = state->cursor;
  std::optional<RunInProgress> run = state->run;
  std::optional<Result<FetchedPage>> prefetched;  // the next page, fetched during the last commit
  std::optional<double> applied_rate;             // the last x-amzn-RateLimit-Limit given to the limiter
  std::optional<Clock::time_point> come_back_at;  // set when the limiter denied a token

  for (;;) {
    if (!run) {
      auto w = next_window(report.cursor, deps.clock.now(), t.rules);
      if (!w) co_return Status{};
      if (auto st = co_await deps.store.begin_run(seller, t.type, *w); !st) co_return st.error();
      run = RunInProgress{*w, std::nullopt, 0, 0};
    }

    Result<FetchedPage> page = make_error(jobs::sync::errc::no_page, "no page fetched yet");
    if (prefetched) {
      page = std::move(*prefetched);
      prefetched.reset();
    } else {
      page = co_await acquire_and_fetch(deps, t, *run, come_back_at);
    }
    if (!page && come_back_at) {
      // Counted on the run, and audited with its last page rather than once per deferral.
      if (auto st = co_await deps.store.note_deferral(seller, t.type); !st) co_return st.error();
      co_return queue::defer_until(*come_back_at, page.error().message);
    }
    if (!page) {
      const Error& e = page.error();
      if (e.code == spapi::errc::spapi_throttled) {
        // The bucket was wrong (another client, a lower plan): slow it down; the next
        // try_acquire then names when to come back.
        if (auto st = co_await deps.limiter.slow_down(seller, op); !st) co_return st.error();
        continue;
      }
      if (e.code == spapi::errc::spapi_invalid_input && run->resume_token) {
        // An expired or refused pagination token: restart the window from its first page
        // (upserts are idempotent) rather than retrying a token that will never work.
        if (auto st = co_await deps.store.abandon_run(seller, t.type); !st) co_return st.error();
      }
      co_return e;
    }
    if (auto rate = parse_rate(page->meta.rate_limit); rate && rate != applied_rate) {
      if (auto st = co_await deps.limiter.set_rate(seller, op, *rate); !st) co_return st.error();
      applied_rate = rate;
    }

    PageToStore store_page;
    store_page.type = t.type;
    store_page.orders = &page->orders;
    store_page.transactions = &page->transactions;
    store_page.raw = page->raw;
    store_page.request_id = page->meta.request_id;
    store_page.next_token = page->next_token;
    // The run as it stands with this page, for the page's audit events.
    RunInProgress counted = *run;
    counted.pages += 1;
    counted.rows += static_cast<std::int64_t>(page->orders.size() + page->transactions.size());
    const std::optional<bool> opened = t.token != nullptr ? t.token->take_unaudited() : std::nullopt;
    store_page.audit = page_events(deps.audit.actor(), seller, t.type, counted, *page, opened.value_or(false));
    Result<std::int64_t> rows = std::int64_t{0};
    if (page->next_token) {
      // Fetch the next page while this one commits: the server's time and the database's
      // overlap. If the commit fails the fetched page is dropped (it cost one token).
      RunInProgress ahead = *run;
      ahead.resume_token = page->next_token;
      // Named awaitables: GCC 12 mishandles temporaries inside a co_await expression.
      auto committing = commit(deps, seller, store_page);
      auto fetching = acquire_and_fetch(deps, t, std::move(ahead), come_back_at);
      auto both = co_await (std::move(committing) && std::move(fetching));
      rows = std::move(std::get<0>(both));
      if (rows) prefetched = std::move(std::get<1>(both));
    } else {
      rows = co_await commit(deps, seller, store_page);
    }
    if (!rows) {
      if (opened) report.token_opened = opened;  // its event did not commit
      co_return rows.error();
    }
    ++report.pages;
    report.rows += *rows;
    if (report.request_ids.size() < kMaxRequestIds && !page->meta.request_id.empty())
      report.request_ids.push_back(page->meta.request_id);
    deps.metrics.page(t.type, *rows);
    run->pages = counted.pages;
    run->rows = counted.rows;
    logger().debug("page stored", {{"seller", seller}, {"data_type", data_type_name(t.type)},
                                   {"run_pages", run->pages}, {"rows", *rows}});

    if (page->next_token) {
      run->resume_token = std::move(page->next_token);
      continue;
    }
    const SyncWindow done = run->window;
    if (auto st = co_await deps.store.finish_run(seller, t.type, done.before); !st) co_return st.error();
    report.cursor = done.before;
    run.reset();
    // Only a window cut by max_span has more behind it; otherwise this run is complete.
    if (!t.rules.max_span || done.before - done.after < *t.rules.max_span) co_return Status{};
  }
}

}  // namespace blazed::jobs::sync
