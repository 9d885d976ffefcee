// Owns the SQL on incidents (see incident_store.hpp).
#include "jobs/incidents/incident_store.hpp"

#include "pg/errc.hpp"
#include "pg/executor.hpp"

#include <optional>

namespace blazed::jobs::incidents {

namespace asio = boost::asio;

namespace {

constexpr const char* kColumns =
    "id, severity, scope_seller_id, summary, opened_by, detected_at, confirmed_at, contained_at, "
    "tokens_deleted, sellers_paused, rotation_job_id, amazon_notified_at, users_notified_at, closed_at, review";

constexpr const char* kInsert =
    "INSERT INTO incidents (severity, scope_seller_id, summary, opened_by, detected_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";

constexpr const char* kContained =
    "UPDATE incidents SET contained_at = COALESCE(contained_at, $2), tokens_deleted = tokens_deleted + $3, "
    "sellers_paused = sellers_paused + $4 WHERE id = $1";

constexpr const char* kRotationJob = "UPDATE incidents SET rotation_job_id = $2 WHERE id = $1";

// One statement per step, so the column is never spliced into SQL text at run time.
constexpr const char* kConfirm =
    "UPDATE incidents SET confirmed_at = COALESCE(confirmed_at, $2) WHERE id = $1 AND closed_at IS NULL";
constexpr const char* kAmazon =
    "UPDATE incidents SET amazon_notified_at = COALESCE(amazon_notified_at, $2) WHERE id = $1 AND closed_at IS NULL";
constexpr const char* kUsers =
    "UPDATE incidents SET users_notified_at = COALESCE(users_notified_at, $2) WHERE id = $1 AND closed_at IS NULL";

constexpr const char* kClose =
    "UPDATE incidents SET closed_at = $2, review = $3 WHERE id = $1 AND closed_at IS NULL";

std::string select(const std::string& where_and_order) {
  return std::string("SELECT ") + kColumns + " FROM incidents " + where_and_order;
}

// The first failure among decoded columns, if any.
template <class... R>
std::optional<Error> first_error(const R&... results) {
  std::optional<Error> out;
  ((out || results ? void() : void(out = results.error())), ...);
  return out;
}

Result<std::vector<Incident>> decode(const pg::Rows& rows) {
  std::vector<Incident> out;
  for (const auto& row : rows) {
    Incident i;
    auto id = row.get<std::int64_t>(0);
    auto severity = row.get<std::string>(1);
    auto scope = row.get<std::optional<std::int64_t>>(2);
    auto summary = row.get<std::string>(3);
    auto opened_by = row.get<std::string>(4);
    auto detected = row.get<Clock::time_point>(5);
    auto confirmed = row.get<std::optional<Clock::time_point>>(6);
    auto contained = row.get<std::optional<Clock::time_point>>(7);
    auto tokens = row.get<std::int64_t>(8);
    auto paused = row.get<std::int64_t>(9);
    auto rotation = row.get<std::optional<std::int64_t>>(10);
    auto amazon = row.get<std::optional<Clock::time_point>>(11);
    auto users = row.get<std::optional<Clock::time_point>>(12);
    auto closed = row.get<std::optional<Clock::time_point>>(13);
    auto review = row.get<std::optional<std::string>>(14);
    if (auto e = first_error(id, severity, scope, summary, opened_by, detected, confirmed, contained, tokens, paused,
                             rotation, amazon, users, closed, review))
      return e->context("incidents row");
    out.push_back(Incident{*id, *severity, *scope, *summary, *opened_by, *detected, *confirmed, *contained, *tokens,
                           *paused, *rotation, *amazon, *users, *closed, *review});
  }
  return out;
}

asio::awaitable<Result<std::vector<Incident>>> fetch(pg::Executor& db, const std::string& sql,
                                                    std::optional<std::int64_t> arg = std::nullopt) {
  Result<pg::Rows> rows = make_error(pg::errc::pg_decode, "no query");
  if (arg) rows = co_await db.query(sql, *arg);
  else rows = co_await db.query(sql);
  if (!rows) co_return rows.error();
  co_return decode(*rows);
}

asio::awaitable<Status> update(pg::Executor& db, const char* sql, std::int64_t id, auto&&... args) {
  auto r = co_await db.query(sql, id, args...);
  if (!r) co_return r.error();
  co_return Status{};
}

}  // namespace

asio::awaitable<Result<std::int64_t>> insert_incident(pg::Executor& db, const NewIncident& n) {
  auto inserted = co_await db.query(kInsert, n.severity, n.scope_seller_id, n.summary, n.opened_by, n.detected_at);
  if (!inserted) co_return inserted.error();
  co_return inserted->scalar<std::int64_t>();
}

asio::awaitable<Result<std::optional<Incident>>> incident_by_id(pg::Executor& db, std::int64_t id) {
  auto found = co_await fetch(db, select("WHERE id = $1"), id);
  if (!found) co_return found.error();
  if (found->empty()) co_return std::optional<Incident>{};
  co_return std::optional<Incident>{std::move(found->front())};
}

asio::awaitable<Result<std::vector<Incident>>> list_incidents(pg::Executor& db, int recent) {
  co_return co_await fetch(db,
                           select("WHERE closed_at IS NULL OR id IN (SELECT id FROM incidents WHERE closed_at IS NOT "
                                  "NULL ORDER BY closed_at DESC LIMIT $1) ORDER BY id DESC"),
                           recent);
}

asio::awaitable<Result<std::vector<Incident>>> open_incidents(pg::Executor& db) {
  co_return co_await fetch(db, select("WHERE closed_at IS NULL ORDER BY id"));
}

asio::awaitable<Status> record_containment(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                          std::int64_t tokens_deleted, std::int64_t sellers_paused) {
  co_return co_await update(db, kContained, id, now, tokens_deleted, sellers_paused);
}

asio::awaitable<Status> record_rotation_job(pg::Executor& db, std::int64_t id, std::int64_t job_id) {
  co_return co_await update(db, kRotationJob, id, job_id);
}

asio::awaitable<Status> record_step(pg::Executor& db, std::int64_t id, Step step, Clock::time_point now) {
  const char* sql = step == Step::confirm ? kConfirm : step == Step::notify_amazon ? kAmazon : kUsers;
  co_return co_await update(db, sql, id, now);
}

asio::awaitable<Status> close_incident(pg::Executor& db, std::int64_t id, Clock::time_point now,
                                       const std::string& review) {
  co_return co_await update(db, kClose, id, now, review);
}

}  // namespace blazed::jobs::incidents
