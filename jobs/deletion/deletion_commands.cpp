// Owns the account deletion's commands (see deletion_commands.hpp).
#include "jobs/deletion/deletion_commands.hpp"

#include "control/args.hpp"
#include "control/registry.hpp"
#include "jobs/context_command.hpp"
#include "jobs/deletion/deletion_job.hpp"
#include "jobs/deletion/deletion_store.hpp"
#include "pg/param.hpp"
#include "pg/pool.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace blazed::jobs::deletion {

namespace asio = boost::asio;
namespace json = boost::json;
using control::Request;

namespace {

json::value time_or_null(const std::optional<Clock::time_point>& t) {
  if (!t) return nullptr;
  return json::value(pg::to_text(*t).value_or(""));
}

asio::awaitable<Result<json::value>> delete_seller(JobContext& ctx, const Request& req) {
  auto seller = control::args::get_int(req, "seller_id");
  if (!seller) co_return seller.error();
  const StartRequest start{*seller, std::nullopt, ctx.clock.now(), "uid:" + std::to_string(req.peer.uid)};
  auto request_id = co_await start_deletion(ctx, start);
  if (!request_id) co_return request_id.error();
  auto request = co_await request_by_id(ctx.db, *request_id);
  if (!request) co_return request.error();
  json::object out{{"seller_id", *seller}, {"request_id", *request_id}, {"status", "deleting"}};
  if (*request) out["deadline"] = time_or_null((*request)->deadline);
  // Queued now; were Redis down, the background pass queues it within a minute.
  auto job = co_await enqueue_deletion(ctx, *request_id, *seller);
  out["job_id"] = job ? json::value(*job) : json::value(nullptr);
  co_return json::value(std::move(out));
}

asio::awaitable<Result<json::value>> list_deletions(JobContext& ctx) {
  auto all = co_await list_requests(ctx.db, 20);
  if (!all) co_return all.error();
  const auto now = ctx.clock.now();
  json::array items;
  std::int64_t pending = 0;
  std::int64_t overdue = 0;
  for (const auto& r : *all) {
    const bool open = !r.completed_at;
    const bool late = r.deadline && (open ? now > *r.deadline : *r.completed_at > *r.deadline);
    if (open) ++pending;
    if (open && late) ++overdue;
    items.push_back(json::object{{"request_id", r.id},
                                 {"seller_id", r.seller_id},
                                 {"state", open ? "pending" : "completed"},
                                 {"requested_at", time_or_null(r.requested_at)},
                                 {"requested_by", r.requested_by},
                                 {"deadline", time_or_null(r.deadline)},
                                 {"overdue", late},
                                 {"completed_at", time_or_null(r.completed_at)},
                                 {"rows_deleted", r.rows_deleted},
                                 {"redis_keys_deleted", r.redis_keys_deleted}});
  }
  co_return json::value(json::object{{"pending", pending}, {"overdue", overdue}, {"deletions", std::move(items)}});
}

}  // namespace

Status register_deletion_commands(control::CommandRegistry& registry, JobContext& ctx) {
  return registry.register_all({
      {"sellers.delete",
       "delete a seller's account: its token at once, all its data within 7 business days (args: seller_id)",
       control::Effect::mutating, with_context(ctx, delete_seller)},
      {"deletions.list", "account deletions: open ones with their deadlines, and the last 20 completed",
       control::Effect::read_only, with_context(ctx, list_deletions)},
  });
}

}  // namespace blazed::jobs::deletion
