// Owns the compliance duty's registration and its start-up self-test (see compliance_duty.hpp).
#include "jobs/compliance/compliance_duty.hpp"

#include "core/log.hpp"
#include "jobs/compliance/compliance_commands.hpp"
#include "jobs/compliance/redaction_self_test.hpp"

namespace blazed::jobs::compliance {

namespace {

// A failure is an error line: every later line could leak what the redaction should have caught.
boost::asio::awaitable<void> self_test_at_start(JobContext& ctx) {
  const SelfTestResult r = redaction_self_test(ctx.clock);
  log::Logger logger("compliance");
  if (r.passed) logger.info("log redaction self-test passed");
  else logger.error("log redaction self-test failed", {{"detail", r.detail}});
  co_return;
}

}  // namespace

Duty compliance_duty() {
  return {.name = "compliance",
          .doc = "docs/compliance.md",
          .commands = register_compliance_commands,
          .background = [](DutyRuntime rt) { return self_test_at_start(rt.ctx); }};
}

}  // namespace blazed::jobs::compliance
