// Owns `blazectl purge run`: asks the daemon to enqueue a PII purge of expired raw payloads now.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "purge run";

int run(Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.usage_error("unexpected argument \"" + args[0] + "\"", usage);
  return ctx.finish(ctx.call("purge.run"), [&](const json::value& r) {
    ctx.out << (field_bool(r, "duplicate") ? "a purge is already queued: job " : "purge queued: job ")
            << field_int(r, "job_id") << "; its counts go to the audit trail (action purge.pii)\n";
  });
}

const Registrar reg{{"purge run", "purge raw SP-API pages older than retention.raw_payloads now (enqueues the job)",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
