// Owns the webhook_delivery job type and its enqueueing (see webhook_job.hpp).
#include "jobs/webhooks/webhook_job.hpp"

#include "config/loader.hpp"
#include "core/log.hpp"
#include "http/client.hpp"
#include "http/user_agent.hpp"
#include "jobs/webhooks/errc.hpp"
#include "jobs/webhooks/webhook_signature.hpp"
#include "pg/audit.hpp"
#include "pg/pool.hpp"
#include "queue/errc.hpp"
#include "queue/handlers.hpp"
#include "queue/producer.hpp"
#include "spapi/iso_time.hpp"

#include <boost/asio/this_coro.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <memory>

namespace blazed::jobs::webhooks {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

// The HTTP client of the deliveries, made on first use on the handler's executor.
class Sender {
 public:
  explicit Sender(const config::Config& config) : config_(config) {}

  asio::awaitable<Result<http::Client*>> client() {
    if (client_) co_return client_.get();
    const auto& w = config_.webhooks;
    http::ClientOptions o;
    o.ca_file = w.ca_file;
    o.allow_plain_http = w.allow_plain_http;
    o.connect_timeout = w.timeout;
    o.read_timeout = w.timeout;
    o.total_timeout = w.timeout;
    o.max_response_bytes = 64 * 1024;  // the answer is only looked at for its status
    auto ua = http::make_user_agent(config_.spapi.user_agent_app, config_.spapi.user_agent_version);
    if (!ua) co_return ua.error();
    o.user_agent = *ua;
    auto made = http::Client::create(co_await asio::this_coro::executor, o);
    if (!made) co_return made.error();
    client_ = std::move(*made);
    co_return client_.get();
  }

 private:
  const config::Config& config_;
  std::unique_ptr<http::Client> client_;
};

struct Queued {
  Notice notice;
  Clock::time_point created_at;
};

Result<Queued> parse_payload(const std::string& payload) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  const auto bad = [] { return make_error(queue::errc::permanent, "webhook_delivery payload is malformed"); };
  if (ec || !v.is_object()) return bad();
  const auto& o = v.as_object();
  const auto* event = o.if_contains("event");
  const auto* id = o.if_contains("event_id");
  const auto* data = o.if_contains("data");
  const auto* created = o.if_contains("created_us");
  if (event == nullptr || id == nullptr || data == nullptr || created == nullptr || !event->is_string() ||
      !id->is_string() || !data->is_object() || !created->is_int64())
    return bad();
  Queued q;
  q.notice.event = std::string(event->as_string());
  q.notice.event_id = std::string(id->as_string());
  q.notice.data = data->as_object();
  if (const auto* s = o.if_contains("seller_id"); s != nullptr && s->is_int64()) q.notice.seller_id = s->as_int64();
  q.created_at = Clock::time_point(std::chrono::microseconds(created->as_int64()));
  return q;
}

// One attempt's audit event: delivered, or failed (final when no attempt is left).
asio::awaitable<Status> audit_attempt(JobContext& ctx, const queue::Job& job, const Notice& notice,
                                      const Error* failure, std::optional<unsigned> http_status) {
  const int max_attempts = job.max_attempts > 0 ? job.max_attempts : kWebhookAttempts;
  pg::AuditEvent e;
  e.actor = "instance:" + ctx.instance_id;
  e.action = failure == nullptr ? "webhook.delivered" : "webhook.failed";
  e.seller_id = notice.seller_id;
  e.data_type = "webhook";
  e.outcome = failure == nullptr ? pg::AuditOutcome::success : pg::AuditOutcome::failure;
  e.detail["event"] = notice.event;
  e.detail["event_id"] = notice.event_id;
  e.detail["job_id"] = job.id;
  e.detail["attempt"] = job.attempt;
  if (http_status) e.detail["http_status"] = *http_status;
  if (failure != nullptr) {
    e.detail["error"] = failure->code;
    e.detail["final"] = job.attempt >= max_attempts;
  }
  auto audited = co_await pg::record_audit(ctx.db, ctx.clock, e);
  if (!audited) co_return audited.error();
  co_return Status{};
}

// The POST itself; the receiver's status when it answered.
asio::awaitable<Result<unsigned>> post(JobContext& ctx, Sender& sender, const Queued& q) {
  const auto& w = ctx.config.webhooks;
  if (w.url.empty() || !w.secret)
    co_return make_error(errc::webhook_not_configured, "webhooks.url or webhooks.secret is not set");
  auto secret = config::resolve_secret(*w.secret);
  if (!secret) co_return secret.error().context("webhooks.secret");
  auto client = co_await sender.client();
  if (!client) co_return client.error();
  const std::string body = webhook_body(q.notice, q.created_at);
  const auto now = std::chrono::floor<std::chrono::seconds>(ctx.clock.now().time_since_epoch()).count();
  http::Request req;
  req.method = boost::beast::http::verb::post;
  req.url = w.url;
  req.content_type = "application/json";
  req.headers = {{kSignatureHeader, sign(*secret, now, body)}, {"X-Blazed-Event", q.notice.event}};
  req.body = Secret(body);
  auto response = co_await (*client)->request(std::move(req));
  if (!response) co_return response.error();
  co_return response->status;
}

asio::awaitable<queue::HandlerOutcome> deliver(JobContext& ctx, Sender& sender, const queue::Job& job) {
  auto q = parse_payload(job.payload);
  if (!q) co_return queue::permanent(q.error());
  auto status = co_await post(ctx, sender, *q);
  std::optional<unsigned> http_status;
  std::optional<Error> failure;
  if (!status) {
    failure = status.error();
  } else {
    http_status = *status;
    if (*status < 200 || *status > 299)
      failure = make_error(errc::webhook_rejected, "the receiver answered HTTP " + std::to_string(*status));
  }
  // Audited before the queue hears of it: a delivery whose event cannot be written is tried again.
  if (auto audited = co_await audit_attempt(ctx, job, q->notice, failure ? &*failure : nullptr, http_status);
      !audited)
    co_return queue::retry(audited.error());
  if (!failure) co_return queue::done();
  log::Logger("webhooks").warn("webhook delivery failed",
                               {{"event", q->notice.event}, {"job_id", job.id}, {"error", failure->code}});
  if (failure->code == errc::webhook_not_configured) co_return queue::permanent(*failure);
  co_return queue::retry(*failure);
}

}  // namespace

std::string webhook_body(const Notice& notice, Clock::time_point created_at) {
  return json::serialize(json::object{{"event", notice.event},
                                      {"id", notice.event_id},
                                      {"created_at", spapi::format_iso8601(created_at)},
                                      {"data", notice.data}});
}

asio::awaitable<Result<std::optional<std::int64_t>>> enqueue_webhook(JobContext& ctx, const Notice& notice) {
  if (ctx.config.webhooks.url.empty()) co_return std::nullopt;
  json::object payload{{"event", notice.event},
                       {"event_id", notice.event_id},
                       {"data", notice.data},
                       {"created_us", std::chrono::duration_cast<std::chrono::microseconds>(
                                          ctx.clock.now().time_since_epoch())
                                          .count()}};
  if (notice.seller_id) payload["seller_id"] = *notice.seller_id;
  queue::EnqueueOptions options;
  options.unique_key = "webhook:" + notice.event_id;
  auto queued = co_await ctx.producer(kWebhookQueue).enqueue(kWebhookJob, json::serialize(payload), options);
  if (!queued) co_return queued.error();
  co_return std::optional<std::int64_t>(queued->id);
}

Status register_webhook_delivery(queue::Handlers& handlers, JobContext& ctx) {
  auto sender = std::make_shared<Sender>(ctx.config);
  queue::JobType type;
  type.handler = [&ctx, sender](const queue::Job& job) { return deliver(ctx, *sender, job); };
  type.max_attempts = kWebhookAttempts;
  type.timeout = std::chrono::minutes(2);
  type.backoff_base = std::chrono::seconds(30);
  type.backoff_max = std::chrono::hours(1);
  handlers.add(kWebhookJob, std::move(type));
  return {};
}

}  // namespace blazed::jobs::webhooks
