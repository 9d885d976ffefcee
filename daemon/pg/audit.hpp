// Owns the audit trail: recording who or what touched which seller's data (how many rows, with
// what outcome) in audit_events, reading it back for reports, its month partitions, and its
// retention floor of 365 days.
#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"
#include "pg/executor.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace blazed::pg {

// Audit events are never pruned younger than this (the table's triggers enforce it as well).
inline constexpr std::chrono::days kAuditRetentionMin{365};

enum class AuditOutcome { success, failure, partial, denied };
std::string_view outcome_name(AuditOutcome outcome);

struct AuditEvent {
  std::string actor;                     // "daemon", "instance:<id>", "uid:<n>"
  std::string action;                    // "sync.orders", "purge.pii", "backup", ...
  std::optional<std::int64_t> seller_id; // the internal number; never an Amazon id or a name
  std::string data_type;                 // "orders", "transactions", "raw_payloads", "tokens"...
  std::int64_t rows = 0;
  AuditOutcome outcome = AuditOutcome::success;
  boost::json::object detail;            // ids, counts, error codes: no PII, no secrets
  std::vector<std::string> request_ids;  // SP-API x-amzn-RequestId values
  std::optional<Clock::time_point> occurred_at;  // default: clock.now()
};

// A stored event, as read back.
struct AuditRecord {
  std::int64_t id = 0;
  Clock::time_point occurred_at;
  AuditEvent event;
};

// Inserts one event and returns its id. Works on the pool or inside a transaction (so an event
// commits together with the rows it describes). Refuses (audit_pii) text that the redaction pass
// would mask (an e-mail address, a token, a registered secret), and empty actor/action.
boost::asio::awaitable<Result<std::int64_t>> record_audit(Executor& db, const Clock& clock,
                                                          const AuditEvent& event);

// Where a read stopped: the next read starts after this event (time order, then id).
struct AuditCursor {
  Clock::time_point occurred_at;
  std::int64_t id = 0;
};

struct AuditQuery {
  std::optional<Clock::time_point> since;  // inclusive
  std::optional<Clock::time_point> until;  // exclusive
  std::optional<std::int64_t> seller_id;
  std::optional<AuditCursor> after;        // keyset: events after this one only
  int limit = 1000;
};
// Events in time order (oldest first, then by id).
boost::asio::awaitable<Result<std::vector<AuditRecord>>> list_audit(Executor& db,
                                                                    const AuditQuery& query);

// Removes the events of every month older than clock.now() - older_than (whole month partitions;
// events in the default partition one by one) and returns how many. Refuses (audit_retention) an
// older_than below kAuditRetentionMin; the database function it calls applies that floor again
// and never takes a time later than its own now() (migration 0091).
boost::asio::awaitable<Result<std::int64_t>> prune_audit(Executor& db, const Clock& clock,
                                                         std::chrono::days older_than);

// Makes the month partition of every month from `from` to `to` (any day in them) that has none;
// returns how many it made. Takes no lock an insert waits on.
boost::asio::awaitable<Result<std::int64_t>> ensure_audit_partitions(Executor& db, std::chrono::sys_days from,
                                                                     std::chrono::sys_days to);
// The months that have a partition, oldest first, as their first day.
boost::asio::awaitable<Result<std::vector<std::chrono::sys_days>>> audit_partitions(Executor& db);

}  // namespace blazed::pg
