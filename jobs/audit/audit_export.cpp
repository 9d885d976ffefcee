// Owns the audit export (see audit_export.hpp).
#include "jobs/audit/audit_export.hpp"

#include "control/args.hpp"
#include "control/registry.hpp"
#include "core/redact.hpp"
#include "jobs/audit/errc.hpp"
#include "jobs/context_command.hpp"
#include "pg/pool.hpp"
#include "spapi/iso_time.hpp"

#include <boost/json/serialize.hpp>

namespace blazed::jobs::audit {

namespace asio = boost::asio;
namespace json = boost::json;
using std::chrono::microseconds;

namespace {

Result<Clock::time_point> time_arg(const control::Request& req, std::string_view key) {
  auto text = control::args::get_string(req, key);
  if (!text) return text.error();
  auto t = spapi::parse_iso8601(*text);
  if (!t) return make_error(control::codes::bad_args, std::string(key) + ": expected YYYY-MM-DD or an ISO 8601 time with a zone");
  return *t;
}

// The cursor: the last event's time in microseconds since the epoch and its id (exact, unlike
// the millisecond text of occurred_at).
json::value cursor_of(const pg::AuditRecord& r) {
  const auto us = std::chrono::duration_cast<microseconds>(r.occurred_at.time_since_epoch()).count();
  return json::object{{"after_us", us}, {"after_id", r.id}};
}

asio::awaitable<Result<json::value>> audit_export(JobContext& ctx, const control::Request& req) {
  auto since = time_arg(req, "since");
  if (!since) co_return since.error();
  auto until = time_arg(req, "until");
  if (!until) co_return until.error();
  if (*until <= *since) co_return make_error(errc::audit_export_range, "until must be later than since");
  auto seller = control::args::find_int(req, "seller_id");
  auto after_us = control::args::find_int(req, "after_us");
  auto after_id = control::args::find_int(req, "after_id");
  auto limit = control::args::find_int(req, "limit");
  for (const auto* r : {&seller, &after_us, &after_id, &limit})
    if (!*r) co_return r->error();
  if (after_us->has_value() != after_id->has_value())
    co_return make_error(control::codes::bad_args, "after_us and after_id go together");
  const std::int64_t page = limit->value_or(kExportPage);
  if (page < 1 || page > kExportPageMax)
    co_return make_error(control::codes::bad_args, "limit: from 1 to " + std::to_string(kExportPageMax));

  pg::AuditQuery q;
  q.since = *since;
  q.until = *until;
  q.seller_id = *seller;
  q.limit = static_cast<int>(page);
  if (*after_us) q.after = pg::AuditCursor{Clock::time_point(std::chrono::duration_cast<Clock::duration>(microseconds(**after_us))), **after_id};
  auto records = co_await pg::list_audit(ctx.db, q);
  if (!records) co_return records.error();
  json::array events;
  for (const auto& r : *records) events.push_back(export_line(r));
  // A full page may have more behind it; a short one is the end.
  json::value next = nullptr;
  if (static_cast<std::int64_t>(records->size()) == page) next = cursor_of(records->back());
  co_return json::value(json::object{{"events", std::move(events)}, {"next", std::move(next)}});
}

}  // namespace

json::object export_line(const pg::AuditRecord& r) {
  const auto& e = r.event;
  json::array ids;
  for (const auto& id : e.request_ids) ids.emplace_back(id);
  json::object line{{"id", r.id},
                    {"occurred_at", spapi::format_iso8601(r.occurred_at)},
                    {"actor", e.actor},
                    {"action", e.action},
                    {"seller_id", e.seller_id ? json::value(*e.seller_id) : json::value(nullptr)},
                    {"data_type", e.data_type.empty() ? json::value(nullptr) : json::value(e.data_type)},
                    {"rows", e.rows},
                    {"outcome", pg::outcome_name(e.outcome)},
                    {"detail", e.detail},
                    {"request_ids", std::move(ids)}};
  const std::string text = json::serialize(line);
  if (redact(text) != text) {
    line["detail"] = json::object{{"withheld", "looked like personal data or a secret"}};
    line["request_ids"] = json::array{};
    if (redact(e.actor) != e.actor) line["actor"] = "[redacted]";
  }
  return line;
}

Status register_audit_commands(control::CommandRegistry& registry, JobContext& ctx) {
  return registry.register_all({
      {"audit.export",
       "audit events of a period (since, until; seller_id optional) in time order, a page at a time",
       control::Effect::read_only, with_context(ctx, audit_export)},
  });
}

}  // namespace blazed::jobs::audit
