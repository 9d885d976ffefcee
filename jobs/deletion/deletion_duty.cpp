// Owns the account deletion duty's registration and its background pass (see deletion_duty.hpp).
#include "jobs/deletion/deletion_duty.hpp"

#include "core/log.hpp"
#include "core/log_failure.hpp"
#include "jobs/deletion/deletion_commands.hpp"
#include "jobs/deletion/deletion_job.hpp"
#include "jobs/deletion/deletion_metrics.hpp"
#include "jobs/repeat.hpp"

namespace blazed::jobs::deletion {

namespace asio = boost::asio;

namespace {

constexpr std::chrono::minutes kPassInterval{1};

asio::awaitable<void> watch_requests(JobContext& ctx) {
  if (auto st = co_await process_requests(ctx); !st)
    log::failure(log::Logger("deletion"), "processing deletion requests failed", st.error());
}

}  // namespace

Duty deletion_duty() {
  return {.name = "deletion",
          .doc = "docs/deletion.md",
          .job_types = register_deletion_job,
          .commands = register_deletion_commands,
          .metrics = [](JobContext& ctx) { DeletionMetrics metrics(ctx.metrics); },
          .background = [](DutyRuntime rt) {
            return repeat_every(rt.ctx.clock, kPassInterval, [&ctx = rt.ctx] { return watch_requests(ctx); });
          }};
}

}  // namespace blazed::jobs::deletion
