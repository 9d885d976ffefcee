// Owns `blazectl queues`: depth per state and paused flag of every queue; pause and resume.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "queues [list] | queues pause|resume [QUEUE]";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::string verb = args.empty() ? "list" : args[0];
  if (verb == "list") {
    if (args.size() > 1) return ctx.usage_error("queues list takes no arguments", usage);
    return ctx.finish(ctx.call("queues.list"), [&](const json::value& r) {
      std::vector<std::vector<std::string>> rows;
      const auto* qs = r.as_object().if_contains("queues");
      if (qs != nullptr && qs->is_array()) {
        for (const auto& q : qs->as_array()) {
          rows.push_back({cell(q, "name"), cell(q, "paused") == "true" ? "paused" : "running",
                          cell(q, "pending"), cell(q, "active"), cell(q, "scheduled"),
                          cell(q, "retry"), cell(q, "dead")});
        }
      }
      ctx.table({"QUEUE", "STATE", "PENDING", "ACTIVE", "SCHEDULED", "RETRY", "DEAD"},
                  rows);
    });
  }
  if (verb != "pause" && verb != "resume")
    return ctx.usage_error("unknown queues action \"" + verb + "\"", usage);
  if (args.size() > 2) return ctx.usage_error("queues " + verb + " takes at most one QUEUE", usage);
  json::object obj;
  if (args.size() == 2) obj["queue"] = args[1];
  return ctx.finish(ctx.call("queues." + verb, obj), [&](const json::value& r) {
    ctx.out << "queue " << cell(r, "queue") << (verb == "pause" ? " paused" : " resumed");
    if (verb == "resume" && cell(r, "was_paused") == "false") ctx.out << " (it was not paused)";
    ctx.out << "\n";
  });
}

const Registrar reg{{"queues", "queue depths per state; pause or resume a queue", usage, run}};

}  // namespace
}  // namespace blazed::ctl
