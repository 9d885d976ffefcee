// Owns `blazectl backup run`: asks the daemon to enqueue a backup now.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "backup run";

int run(Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.usage_error("unexpected argument \"" + args[0] + "\"", usage);
  return ctx.finish(ctx.call("backup.run"), [&](const json::value& r) {
    ctx.out << (field_bool(r, "duplicate") ? "a backup is already queued or running: job " : "backup queued: job ")
            << field_int(r, "job_id") << "; follow it with blazectl backup list\n";
  });
}

const Registrar reg{{"backup run", "back the database up now (enqueues the job; one at a time)", usage, run}};

}  // namespace
}  // namespace blazed::ctl
