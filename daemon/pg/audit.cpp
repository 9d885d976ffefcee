// Owns the audit_events statements and the checks that keep PII out of the audit trail.
#include "pg/audit.hpp"

#include "core/redact.hpp"
#include "pg/errc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace blazed::pg {
namespace asio = boost::asio;

namespace {

// The redaction pass is the definition of "looks like PII or a secret" shared by logs and audit.
bool leaks(std::string_view text) { return redact(text) != text; }

Status check_event(const AuditEvent& e, const std::string& detail_json) {
  if (e.actor.empty() || e.action.empty())
    return make_error(errc::audit_invalid, "an audit event needs an actor and an action");
  if (e.rows < 0) return make_error(errc::audit_invalid, "an audit event cannot count negative rows");
  bool pii = leaks(e.actor) || leaks(e.action) || leaks(e.data_type) || leaks(detail_json);
  for (const auto& id : e.request_ids) pii = pii || leaks(id);
  if (pii) return make_error(errc::audit_pii, "audit event for " + e.action + " carries PII or a secret");
  return {};
}

std::optional<AuditOutcome> parse_outcome(std::string_view s) {
  for (auto o : {AuditOutcome::success, AuditOutcome::failure, AuditOutcome::partial,
                 AuditOutcome::denied})
    if (outcome_name(o) == s) return o;
  return std::nullopt;
}

Result<AuditRecord> read_record(const Row& row) {
  AuditRecord r;
  auto id = row.get<std::int64_t>("id");
  auto at = row.get<Clock::time_point>("occurred_at");
  auto actor = row.get<std::string>("actor");
  auto action = row.get<std::string>("action");
  auto seller = row.get<std::optional<std::int64_t>>("seller_id");
  auto data_type = row.get<std::optional<std::string>>("data_type");
  auto rows = row.get<std::int64_t>("rows");
  auto outcome = row.get<std::string>("outcome");
  auto detail = row.get<std::string>("detail");
  auto request_ids = row.get<std::string>("request_ids");
  if (!id || !at || !actor || !action || !seller || !data_type || !rows || !outcome || !detail ||
      !request_ids)
    return make_error(errc::pg_decode, "bad audit_events row");
  r.id = *id;
  r.occurred_at = *at;
  r.event.actor = *actor;
  r.event.action = *action;
  r.event.seller_id = *seller;
  r.event.data_type = data_type->value_or("");
  r.event.rows = *rows;
  r.event.occurred_at = *at;
  auto o = parse_outcome(*outcome);
  if (!o) return make_error(errc::pg_decode, "unknown audit outcome");
  r.event.outcome = *o;
  boost::system::error_code ec;
  auto json = boost::json::parse(*detail, ec);
  if (ec || !json.is_object()) return make_error(errc::pg_decode, "audit detail is not an object");
  r.event.detail = json.as_object();
  // request_ids comes back as a JSON array (to_json in the SELECT), easier than array syntax.
  auto ids = boost::json::parse(*request_ids, ec);
  if (ec || !ids.is_array()) return make_error(errc::pg_decode, "audit request_ids is not an array");
  for (const auto& v : ids.as_array())
    if (v.is_string()) r.event.request_ids.emplace_back(v.as_string());
  return r;
}

}  // namespace

std::string_view outcome_name(AuditOutcome outcome) {
  switch (outcome) {
    case AuditOutcome::success: return "success";
    case AuditOutcome::failure: return "failure";
    case AuditOutcome::partial: return "partial";
    case AuditOutcome::denied: return "denied";
  }
  return "failure";
}

asio::awaitable<Result<std::int64_t>> record_audit(Executor& db, const Clock& clock,
                                                   const AuditEvent& e) {
  const std::string detail = boost::json::serialize(e.detail);
  if (auto st = check_event(e, detail); !st) co_return st.error();
  std::optional<std::string> data_type;
  if (!e.data_type.empty()) data_type = e.data_type;
  auto r = co_await db.query(
      "INSERT INTO audit_events (occurred_at, actor, action, seller_id, data_type, rows, outcome, "
      "detail, request_ids) VALUES ($1::timestamptz, $2, $3, $4::bigint, $5, $6::bigint, $7, "
      "$8::jsonb, $9::text[]) RETURNING id",
      e.occurred_at.value_or(clock.now()), e.actor, e.action, e.seller_id, data_type, e.rows,
      outcome_name(e.outcome), detail, e.request_ids);
  if (!r) co_return r.error().context("recording an audit event");
  co_return r->scalar<std::int64_t>();
}

asio::awaitable<Result<std::vector<AuditRecord>>> list_audit(Executor& db, const AuditQuery& q) {
  std::optional<Clock::time_point> since = q.since;
  std::optional<Clock::time_point> until = q.until;
  std::optional<Clock::time_point> after_at;
  std::optional<std::int64_t> after_id;
  if (q.after) {
    after_at = q.after->occurred_at;
    after_id = q.after->id;
  }
  auto rows = co_await db.query(
      "SELECT id, occurred_at, actor, action, seller_id, data_type, rows, outcome, detail, "
      "to_json(request_ids) AS request_ids FROM audit_events "
      "WHERE ($1::timestamptz IS NULL OR occurred_at >= $1) "
      "AND ($2::timestamptz IS NULL OR occurred_at < $2) "
      "AND ($3::bigint IS NULL OR seller_id = $3) "
      "AND ($5::timestamptz IS NULL OR (occurred_at, id) > ($5, $6::bigint)) "
      "ORDER BY occurred_at, id LIMIT $4",
      since, until, q.seller_id, q.limit, after_at, after_id);
  if (!rows) co_return rows.error().context("reading audit events");
  std::vector<AuditRecord> out;
  for (auto row : *rows) {
    auto rec = read_record(row);
    if (!rec) co_return rec.error();
    out.push_back(std::move(*rec));
  }
  co_return out;
}

asio::awaitable<Result<std::int64_t>> prune_audit(Executor& db, const Clock& clock,
                                                  std::chrono::days older_than) {
  if (older_than < kAuditRetentionMin)
    co_return make_error(errc::audit_retention, "audit events are kept at least " +
                                                std::to_string(kAuditRetentionMin.count()) +
                                                " days");
  // Whole days as an interval: the function compares it with its own floor of 365 days.
  auto r = co_await db.query("SELECT audit_events_prune(make_interval(days => $1::int), $2::timestamptz)",
                             static_cast<int>(older_than.count()), clock.now());
  if (!r) co_return r.error().context("pruning audit events");
  co_return r->scalar<std::int64_t>();
}

asio::awaitable<Result<std::int64_t>> ensure_audit_partitions(Executor& db, std::chrono::sys_days from,
                                                              std::chrono::sys_days to) {
  auto r = co_await db.query(
      "SELECT count(*) FILTER (WHERE made) FROM (SELECT audit_events_ensure_partition(m::date) AS made "
      "FROM generate_series(date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC'), "
      "$2::timestamptz AT TIME ZONE 'UTC', interval '1 month') AS m) AS months",
      Clock::time_point(from), Clock::time_point(to));
  if (!r) co_return r.error().context("making audit_events partitions");
  co_return r->scalar<std::int64_t>();
}

asio::awaitable<Result<std::vector<std::chrono::sys_days>>> audit_partitions(Executor& db) {
  auto r = co_await db.query(
      "SELECT to_date(substr(c.relname, 15), 'YYYYMM')::timestamp AT TIME ZONE 'UTC' "
      "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = 'audit_events'::regclass AND c.relname ~ '^audit_events_p[0-9]{6}$' "
      "ORDER BY c.relname");
  if (!r) co_return r.error().context("listing audit_events partitions");
  std::vector<std::chrono::sys_days> out;
  for (auto row : *r) {
    auto first = row.get<Clock::time_point>(0);
    if (!first) co_return first.error();
    out.push_back(std::chrono::floor<std::chrono::days>(*first));
  }
  co_return out;
}

}  // namespace blazed::pg
