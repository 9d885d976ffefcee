// Owns the account deletion duty's registration and its background pass (see deletion_duty.hpp).
#include "jobs/deletion/deletion_duty.hpp"

#include "core/log.hpp"
#include "jobs/deletion/deletion_commands.hpp"
#include "jobs/deletion/deletion_job.hpp"
#include "jobs/deletion/deletion_metrics.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace blazed::jobs::deletion {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::minutes kPassInterval{1};

asio::awaitable<void> watch_requests(DutyRuntime rt) {
  JobContext& ctx = rt.ctx;
  log::Logger logger("deletion");
  const auto executor = co_await asio::this_coro::executor;
  while (true) {
    if (auto st = co_await process_requests(ctx); !st)
      logger.warn("processing deletion requests failed", {{"error", st.error().message}});
    auto [ec] = co_await ctx.clock.wait_for(executor, kPassInterval, asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
  }
}

}  // namespace

Duty deletion_duty() {
  return {.name = "deletion",
          .doc = "docs/deletion.md",
          .job_types = register_deletion_job,
          .commands = register_deletion_commands,
          .metrics = [](JobContext& ctx) { DeletionMetrics metrics(ctx.metrics); },
          .background = watch_requests};
}

}  // namespace blazed::jobs::deletion
