// Owns the audit trail's upkeep (see audit_maintenance.hpp).
#include "jobs/audit/audit_maintenance.hpp"

#include "pg/audit.hpp"
#include "pg/pool.hpp"

namespace blazed::jobs::audit {

namespace asio = boost::asio;

asio::awaitable<Result<std::int64_t>> make_partitions_ahead(pg::PgPool& db, const Clock& clock) {
  using namespace std::chrono;
  const year_month_day today{floor<days>(clock.now())};
  const year_month this_month{today.year(), today.month()};
  const sys_days from{this_month / 1};
  const sys_days to{(this_month + months(kMonthsAhead)) / 1};
  co_return co_await pg::ensure_audit_partitions(db, from, to);
}

asio::awaitable<Result<std::int64_t>> prune_expired(pg::PgPool& db, const Clock& clock, std::chrono::days retention,
                                                    const std::string& actor) {
  std::int64_t removed = 0;
  auto st = co_await db.transaction([&](pg::Tx& tx) -> asio::awaitable<Status> {
    auto n = co_await pg::prune_audit(tx, clock, retention);
    if (!n) co_return n.error();
    removed = *n;
    pg::AuditEvent e;
    e.actor = actor;
    e.action = "audit.prune";
    e.data_type = "audit_events";
    e.rows = removed;
    e.detail["retention_days"] = retention.count();
    if (auto audited = co_await pg::record_audit(tx, clock, e); !audited) co_return audited.error();
    co_return Status{};
  });
  if (!st) co_return st.error();
  co_return removed;
}

}  // namespace blazed::jobs::audit
