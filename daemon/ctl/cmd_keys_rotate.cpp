// Owns `blazectl keys rotate`: asks the daemon to enqueue a key rotation job now.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "keys rotate [--table seller_tokens|raw_payloads]";

int run(Context& ctx, const std::vector<std::string>& args) {
  json::object call_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--table" && i + 1 < args.size()) {
      call_args["table"] = args[++i];
    } else {
      return ctx.usage_error("unexpected argument \"" + args[i] + "\"", usage);
    }
  }
  return ctx.finish(ctx.call("keys.rotate", call_args), [&](const json::value& r) {
    ctx.out << (field_bool(r, "duplicate") ? "a rotation job is already queued: job " : "rotation queued: job ")
            << field_int(r, "job_id") << " (target key " << field_text(r, "target_key")
            << "); follow it with blazectl keys status\n";
  });
}

const Registrar reg{{"keys rotate", "re-encrypt every row not under the active key (enqueues the job)",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
