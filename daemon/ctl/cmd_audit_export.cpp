// Owns `blazectl audit export`: the audit events of a period (optionally one seller's) as JSON
// lines for an auditor, fetched a page at a time so that any period streams in bounded memory.
#include "ctl/cli.hpp"
#include "ctl/options.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "audit export --since TIME --until TIME [--seller SELLER_ID]";

int run(Context& ctx, const std::vector<std::string>& args) {
  auto read = read_options(args, {{"--since", "since"}, {"--until", "until"}, {"--seller", "seller_id"}});
  if (!read.problem.empty()) return ctx.usage_error(read.problem, usage);
  if (!read.args.contains("since") || !read.args.contains("until"))
    return ctx.usage_error("audit export needs --since and --until (YYYY-MM-DD or ISO 8601 with a zone)", usage);
  json::object request = read.args;
  for (;;) {
    auto reply = ctx.call("audit.export", request);
    if (!reply || !reply->ok) return ctx.finish(reply, [](const json::value&) {});
    const auto* result = reply->result.if_object();
    const auto* events = result ? result->if_contains("events") : nullptr;
    const auto* next = result ? result->if_contains("next") : nullptr;
    if (events == nullptr || !events->is_array() || next == nullptr) {
      ctx.err << "blazectl: the daemon's audit.export reply has no events\n";
      return exit_code::command_error;
    }
    for (const auto& event : events->get_array()) ctx.out << json::serialize(event) << "\n";
    ctx.out.flush();
    if (!next->is_object()) return exit_code::ok;
    for (const auto& [key, value] : next->get_object()) request[key] = value;
  }
}

const Registrar reg{{"audit export", "audit events of a period (one seller's with --seller) as JSON lines", usage, run}};

}  // namespace
}  // namespace blazed::ctl
