// Owns the incident commands (see incident_commands.hpp).
#include "jobs/incidents/incident_commands.hpp"

#include "control/args.hpp"
#include "control/errc.hpp"
#include "control/registry.hpp"
#include "jobs/context_command.hpp"
#include "jobs/incidents/containment.hpp"
#include "jobs/incidents/errc.hpp"
#include "jobs/incidents/incident_metrics.hpp"
#include "jobs/incidents/incident_store.hpp"
#include "jobs/incidents/notice_deadlines.hpp"
#include "jobs/webhooks/errc.hpp"
#include "jobs/webhooks/webhook_job.hpp"
#include "pg/pool.hpp"
#include "spapi/iso_time.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <charconv>

namespace blazed::jobs::incidents {

namespace asio = boost::asio;
namespace json = boost::json;
using control::Request;

namespace {

json::value time_or_null(const std::optional<Clock::time_point>& t) {
  return t ? json::value(spapi::format_iso8601(*t)) : json::value(nullptr);
}

std::string actor_of(const Request& req) { return "uid:" + std::to_string(req.peer.uid); }

json::object notice_json(const Notice& n) {
  return json::object{{"due", time_or_null(n.due)},
                      {"done_at", time_or_null(n.done)},
                      {"state", notice_state_name(n.state)}};
}

json::object containment_json(const Containment& c) {
  json::object o{{"tokens_deleted", c.tokens_deleted}, {"sellers_paused", c.sellers_paused}};
  if (c.rotation_job_id) o["rotation_job_id"] = *c.rotation_job_id;
  if (c.rotation_error) o["rotation_error"] = c.rotation_error->code + ": " + c.rotation_error->message;
  return o;
}

// The incident with the five steps of the plan (detect, contain, notify Amazon, notify users,
// review), each with its time, and the two deadlines.
json::object incident_json(const Incident& i, Clock::time_point now) {
  const Notice amazon = amazon_notice(i, now);
  const Notice users = users_notice(i, now);
  json::array steps{
      json::object{{"step", "detect"}, {"at", time_or_null(i.detected_at)}},
      json::object{{"step", "contain"}, {"at", time_or_null(i.contained_at)},
                   {"tokens_deleted", i.tokens_deleted}, {"sellers_paused", i.sellers_paused},
                   {"rotation_job_id", i.rotation_job_id ? json::value(*i.rotation_job_id) : json::value(nullptr)}},
      json::object{{"step", "notify_amazon"}, {"at", time_or_null(i.amazon_notified_at)},
                   {"deadline", notice_json(amazon)}},
      json::object{{"step", "notify_users"}, {"at", time_or_null(i.users_notified_at)},
                   {"deadline", notice_json(users)}},
      json::object{{"step", "review"}, {"at", time_or_null(i.closed_at)},
                   {"review", i.review ? json::value(*i.review) : json::value(nullptr)}},
  };
  return json::object{{"id", i.id},
                      {"severity", i.severity},
                      {"scope", i.scope_seller_id ? "seller:" + std::to_string(*i.scope_seller_id) : "all"},
                      {"summary", i.summary},
                      {"opened_by", i.opened_by},
                      {"state", i.closed_at ? "closed" : "open"},
                      {"detected_at", time_or_null(i.detected_at)},
                      {"confirmed_at", time_or_null(i.confirmed_at)},
                      {"amazon_notice", notice_state_name(amazon.state)},
                      {"users_notice", notice_state_name(users.state)},
                      {"steps", std::move(steps)}};
}

Result<std::string> severity_arg(const Request& req) {
  auto s = control::args::get_string(req, "severity");
  if (!s) return s.error();
  if (*s != "critical" && *s != "high" && *s != "medium" && *s != "low")
    return make_error(control::errc::bad_args, "severity: expected critical, high, medium or low");
  return s;
}

// "all" -> nullopt; "seller:ID" -> ID.
Result<std::optional<std::int64_t>> scope_arg(const Request& req) {
  auto s = control::args::get_string(req, "scope");
  if (!s) return s.error();
  if (*s == "all") return std::optional<std::int64_t>{};
  constexpr std::string_view prefix = "seller:";
  std::int64_t id = 0;
  if (s->starts_with(prefix)) {
    const char* first = s->data() + prefix.size();
    const char* last = s->data() + s->size();
    auto [end, ec] = std::from_chars(first, last, id);
    if (ec == std::errc{} && end == last && id > 0) return std::optional<std::int64_t>{id};
  }
  return make_error(control::errc::bad_args, "scope: expected seller:ID or all");
}

// The incident named by the request's id; `open_only`: a closed one is refused.
asio::awaitable<Result<Incident>> find(JobContext& ctx, const Request& req, bool open_only) {
  auto id = control::args::get_int(req, "id");
  if (!id) co_return id.error();
  auto found = co_await incident_by_id(ctx.db, *id);
  if (!found) co_return found.error();
  if (!*found) co_return make_error(errc::incident_not_found, "no incident " + std::to_string(*id));
  if (open_only && (*found)->closed_at)
    co_return make_error(errc::incident_closed, "incident " + std::to_string(*id) + " is closed");
  co_return std::move(**found);
}

// The incident as it is now (after a change), metrics refreshed.
asio::awaitable<Result<json::value>> answer(JobContext& ctx, std::int64_t id, json::object extra = {}) {
  (void)co_await refresh_incident_metrics(ctx);  // a scrape-time failure shows at the next pass
  auto found = co_await incident_by_id(ctx.db, id);
  if (!found) co_return found.error();
  if (!*found) co_return make_error(errc::incident_not_found, "no incident " + std::to_string(id));
  json::object out = incident_json(**found, ctx.clock.now());
  for (auto& [k, v] : extra) out[k] = v;
  co_return json::value(std::move(out));
}

asio::awaitable<Result<json::value>> open(JobContext& ctx, const Request& req) {
  auto severity = severity_arg(req);
  if (!severity) co_return severity.error();
  auto scope = scope_arg(req);
  if (!scope) co_return scope.error();
  auto summary = control::args::get_string(req, "summary");
  if (!summary) co_return summary.error();
  if (summary->empty()) co_return make_error(control::errc::bad_args, "summary: must not be empty");
  const NewIncident incident{*severity, *scope, *summary, actor_of(req), ctx.clock.now()};
  auto opened = co_await open_incident(ctx, incident);
  if (!opened) co_return opened.error();
  json::object extra;
  if (opened->containment) extra["containment"] = containment_json(*opened->containment);
  co_return co_await answer(ctx, opened->id, std::move(extra));
}

asio::awaitable<Result<json::value>> list(JobContext& ctx) {
  auto all = co_await list_incidents(ctx.db, 20);
  if (!all) co_return all.error();
  const auto now = ctx.clock.now();
  json::array items;
  std::int64_t open_count = 0;
  for (const auto& i : *all) {
    if (!i.closed_at) ++open_count;
    items.push_back(incident_json(i, now));
  }
  co_return json::value(json::object{{"open", open_count}, {"incidents", std::move(items)}});
}

asio::awaitable<Result<json::value>> show(JobContext& ctx, const Request& req) {
  auto found = co_await find(ctx, req, false);
  if (!found) co_return found.error();
  co_return json::value(incident_json(*found, ctx.clock.now()));
}

asio::awaitable<Result<json::value>> step(JobContext& ctx, const Request& req, Step s) {
  auto found = co_await find(ctx, req, true);
  if (!found) co_return found.error();
  if (auto st = co_await record_step(ctx.db, found->id, s, ctx.clock.now()); !st) co_return st.error();
  co_return co_await answer(ctx, found->id);
}

asio::awaitable<Result<json::value>> confirm(JobContext& ctx, const Request& req) {
  co_return co_await step(ctx, req, Step::confirm);
}

asio::awaitable<Result<json::value>> ack_amazon(JobContext& ctx, const Request& req) {
  co_return co_await step(ctx, req, Step::notify_amazon);
}

asio::awaitable<Result<json::value>> contain_now(JobContext& ctx, const Request& req) {
  auto found = co_await find(ctx, req, true);
  if (!found) co_return found.error();
  auto done = co_await contain(ctx, *found, actor_of(req));
  if (!done) co_return done.error();
  json::object extra{{"containment", containment_json(*done)}};
  co_return co_await answer(ctx, found->id, std::move(extra));
}

// The web app tells the affected users: the notice carries the incident's ids and times, never its
// summary (an operator's free text).
asio::awaitable<Result<json::value>> notify_users(JobContext& ctx, const Request& req) {
  auto found = co_await find(ctx, req, true);
  if (!found) co_return found.error();
  const Incident& i = *found;
  webhooks::Notice notice;
  notice.event = "incident.user_notice";
  notice.event_id = "incident:" + std::to_string(i.id) + ":users";
  notice.seller_id = i.scope_seller_id;
  notice.data = json::object{{"incident_id", i.id},
                             {"severity", i.severity},
                             {"scope", i.scope_seller_id ? "seller" : "all"},
                             {"seller_id", i.scope_seller_id ? json::value(*i.scope_seller_id) : json::value(nullptr)},
                             {"detected_at", time_or_null(i.detected_at)},
                             {"confirmed_at", time_or_null(i.confirmed_at)},
                             {"contained_at", time_or_null(i.contained_at)},
                             {"tokens_revoked", i.tokens_deleted > 0}};
  auto queued = co_await webhooks::enqueue_webhook(ctx, notice);
  if (!queued) co_return queued.error();
  if (!*queued)
    co_return make_error(webhooks::errc::webhook_not_configured,
                         "webhooks.url is not set: the web app cannot be told and nothing was recorded; "
                         "configure webhooks (docs/webhooks.md) and run it again");
  if (auto st = co_await record_step(ctx.db, i.id, Step::notify_users, ctx.clock.now()); !st) co_return st.error();
  json::object extra{{"webhook_job_id", **queued}};
  co_return co_await answer(ctx, i.id, std::move(extra));
}

asio::awaitable<Result<json::value>> close(JobContext& ctx, const Request& req) {
  auto review = control::args::find_string(req, "review");
  if (!review) co_return review.error();
  if (!*review || (*review)->empty())
    co_return make_error(errc::incident_review_required,
                         "closing an incident needs --review TEXT (what happened, the cause, what changes); "
                         "it stays open");
  auto found = co_await find(ctx, req, true);
  if (!found) co_return found.error();
  if (auto st = co_await close_incident(ctx.db, found->id, ctx.clock.now(), **review); !st) co_return st.error();
  co_return co_await answer(ctx, found->id);
}

}  // namespace

asio::awaitable<Status> refresh_incident_metrics(JobContext& ctx) {
  auto open = co_await open_incidents(ctx.db);
  if (!open) co_return open.error();
  IncidentMetrics(ctx.metrics).record_open(*open, ctx.clock.now());
  co_return Status{};
}

Status register_incident_commands(control::CommandRegistry& registry, JobContext& ctx) {
  using control::Effect;
  return registry.register_all({
      {"incident.open",
       "open an incident; critical and high are contained at once (args: severity, scope seller:ID|all, summary)",
       Effect::mutating, with_context(ctx, open)},
      {"incident.list", "incidents: the open ones and the last 20 closed, with their deadlines", Effect::read_only,
       with_context(ctx, list)},
      {"incident.show", "one incident: each step of the plan with its time, the deadlines (args: id)",
       Effect::read_only, with_context(ctx, show)},
      {"incident.confirm", "the incident is confirmed: the 24 h and 72 h deadlines start (args: id)",
       Effect::mutating, with_context(ctx, confirm)},
      {"incident.contain",
       "contain an open incident now, whatever its severity: tokens in scope deleted, syncs paused; scope all "
       "also queues a key rotation (args: id)",
       Effect::mutating, with_context(ctx, contain_now)},
      {"incident.ack_amazon", "Amazon has been notified of the incident (args: id)", Effect::mutating,
       with_context(ctx, ack_amazon)},
      {"incident.notify_users", "queue the web app's notice to the affected users (args: id)", Effect::mutating,
       with_context(ctx, notify_users)},
      {"incident.close", "close an incident with its review (args: id, review)", Effect::mutating,
       with_context(ctx, close)},
  });
}

}  // namespace blazed::jobs::incidents
