// Owns `blazectl schedules`: the schedules with their last and next tick; trigger one now.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "schedules [list] | schedules trigger NAME";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::string verb = args.empty() ? "list" : args[0];
  if (verb == "list") {
    if (args.size() > 1) return ctx.usage_error("schedules list takes no arguments", usage);
    return ctx.finish(ctx.call("schedules.list"), [&](const json::value& r) {
      std::vector<std::vector<std::string>> rows;
      const auto* ss = r.as_object().if_contains("schedules");
      if (ss != nullptr && ss->is_array()) {
        for (const auto& s : ss->as_array()) {
          rows.push_back({cell(s, "name"), cell(s, "spec"), cell(s, "zone"), cell(s, "job"),
                          cell(s, "queue"), time_cell(s, "last_tick_ms"),
                          time_cell(s, "next_tick_ms")});
        }
      }
      ctx.table({"NAME", "SPEC", "ZONE", "JOB", "QUEUE", "LAST TICK", "NEXT TICK"}, rows);
    });
  }
  if (verb != "trigger") return ctx.usage_error("unknown schedules action \"" + verb + "\"", usage);
  if (args.size() != 2) return ctx.usage_error("schedules trigger needs one NAME", usage);
  return ctx.finish(ctx.call("schedules.trigger", json::object{{"name", args[1]}}),
                    [&](const json::value& r) {
                      ctx.out << "schedule " << cell(r, "name") << " triggered (job key "
                              << cell(r, "unique_key") << ")\n";
                    });
}

const Registrar reg{{"schedules", "schedules with last and next tick; trigger one now", usage, run}};

}  // namespace
}  // namespace blazed::ctl
