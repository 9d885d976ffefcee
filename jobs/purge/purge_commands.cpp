// Owns the purge commands (see purge_commands.hpp).
#include "jobs/purge/purge_commands.hpp"

#include "control/registry.hpp"
#include "jobs/context_command.hpp"
#include "jobs/purge/purge_job.hpp"

#include <boost/json/object.hpp>

namespace blazed::jobs::purge {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

asio::awaitable<Result<json::value>> purge_run(JobContext& ctx) {
  auto queued = co_await enqueue_purge(ctx);
  if (!queued) co_return queued.error();
  co_return json::value(json::object{{"job_id", queued->job_id}, {"duplicate", queued->duplicate},
                                     {"queue", kPurgeQueue}});
}

}  // namespace

Status register_purge_commands(control::CommandRegistry& registry, JobContext& ctx) {
  return registry.register_all({
      {"purge.run", "enqueue a PII purge of expired raw payloads now", control::Effect::mutating,
       with_context(ctx, purge_run)},
  });
}

}  // namespace blazed::jobs::purge
