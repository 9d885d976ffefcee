// Owns `blazectl keys rotate`: asks the daemon to enqueue a key rotation job now.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/options.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "keys rotate [--table seller_tokens|raw_payloads]";

int run(Context& ctx, const std::vector<std::string>& args) {
  auto read = read_options(args, {{"--table", "table"}});
  if (!read.problem.empty()) return ctx.usage_error(read.problem, usage);
  return ctx.finish(ctx.call("keys.rotate", read.args), [&](const json::value& r) {
    ctx.out << (field_bool(r, "duplicate") ? "a rotation job is already queued: job " : "rotation queued: job ")
            << field_int(r, "job_id") << " (target key " << field_text(r, "target_key")
            << "); follow it with blazectl keys status\n";
  });
}

const Registrar reg{{"keys rotate", "re-encrypt every row not under the active key (enqueues the job)",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
