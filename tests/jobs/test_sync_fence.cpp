// Tests the fencing of sync runs against PostgreSQL: once a newer run of a seller has taken its
// sync_state over, every write of the older run (begin, page commit, abandon, finish, last error)
// is refused with sync_fenced and changes nothing, and no run moves the cursor back (a window ending
// before it finishes and leaves it).
#include "sync_fixture.hpp"

#include "jobs/sync/errc.hpp"
#include "jobs/sync/sync_store.hpp"

using namespace blazed;
using namespace blazed::testing;
using namespace blazed::testing::sync_test;
using namespace blazed::jobs::sync;

namespace {

const std::string kOneSeller = R"({"sellers":[
  {"sellerId":"F1","refreshToken":"Atzr|fence-1","orders":1,"transactions":1,"seed":3}]})";

template <class T>
void check_fenced(const T& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::sync_fenced);
}

}  // namespace

TEST_CASE("a stale sync run's writes are refused and the cursor never moves back", "[pg]") {
  SyncWorld w(kOneSeller);
  const auto seller = w.add_seller("Atzr|fence-1");
  const std::string s = std::to_string(seller);
  auto store = [&](const std::string& run_id) {
    return std::make_unique<SyncStore>(*w.pool, w.ctx->clock, *w.ring, w.ctx->nonces, run_id);
  };
  // Run ids as the queue makes them: epoch, job id, claim.
  auto stale = store("e1:7:1");
  auto taker = store("e1:7:2");
  // Whole seconds: PostgreSQL keeps microseconds, the clock nanoseconds.
  const auto now = std::chrono::floor<std::chrono::seconds>(w.ctx->clock.now());
  const jobs::SyncWindow window{now - std::chrono::hours(2), now - std::chrono::hours(1)};
  const std::vector<spapi::Order> no_orders;
  PageToStore page;
  page.type = DataType::orders;
  page.orders = &no_orders;
  page.raw = "{}";

  REQUIRE(run_coro(w.io, stale->state(seller, DataType::orders)));
  REQUIRE(run_coro(w.io, stale->begin_run(seller, DataType::orders, window)));
  page.next_token = "page-2";
  REQUIRE(run_coro(w.io, stale->commit_page(seller, page)));

  // The stale run's lease lapsed; the job's next run takes the state over and sees the run in
  // progress to resume.
  auto resumed = run_coro(w.io, taker->state(seller, DataType::orders));
  REQUIRE(resumed);
  REQUIRE(resumed->run);
  CHECK(resumed->run->resume_token == std::optional<std::string>("page-2"));

  // Every write of the stale run is refused and changes nothing.
  page.next_token = "stale-page-3";
  check_fenced(run_coro(w.io, stale->commit_page(seller, page)));
  check_fenced(run_coro(w.io, stale->begin_run(seller, DataType::orders, window)));
  check_fenced(run_coro(w.io, stale->abandon_run(seller, DataType::orders)));
  check_fenced(run_coro(w.io, stale->finish_run(seller, DataType::orders, window.before)));
  check_fenced(run_coro(w.io, stale->record_error(seller, DataType::orders, make_error("x", "y"))));
  CHECK(w.count("SELECT count(*) FROM raw_payloads WHERE seller_id = " + s) == 1);
  CHECK(w.count("SELECT count(*) FROM sync_state WHERE resume_token = 'page-2' AND run_pages = 1 "
                "AND cursor IS NULL AND last_error IS NULL AND seller_id = " + s) == 1);

  // The run that owns the state carries on.
  page.next_token.reset();
  REQUIRE(run_coro(w.io, taker->commit_page(seller, page)));
  REQUIRE(run_coro(w.io, taker->finish_run(seller, DataType::orders, window.before)));
  auto after = run_coro(w.io, taker->state(seller, DataType::orders));
  REQUIRE(after);
  CHECK(after->cursor == window.before);

  // A later run finishing an older window (its instance's clock behind the one that set the
  // cursor) finishes, and the cursor stays where it was: it never moves back, and the run is not
  // left in progress for every retry to resume and fail again.
  auto late = store("e1:8:1");
  REQUIRE(run_coro(w.io, late->state(seller, DataType::orders)));
  const jobs::SyncWindow older{window.after - std::chrono::hours(1), window.after};
  REQUIRE(run_coro(w.io, late->begin_run(seller, DataType::orders, older)));
  REQUIRE(run_coro(w.io, late->commit_page(seller, page)));
  REQUIRE(run_coro(w.io, late->finish_run(seller, DataType::orders, older.before)));
  auto kept = run_coro(w.io, late->state(seller, DataType::orders));
  REQUIRE(kept);
  CHECK(kept->cursor == window.before);
  CHECK_FALSE(kept->run);
}
