// Owns `blazectl health`: a probe for scripts and systemd; exit 0 healthy, 4 unhealthy,
// 3 when the daemon cannot be reached.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

int run(Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.usage_error("health takes no arguments", "health");
  auto reply = ctx.call("health");
  bool healthy = false;
  int code = ctx.finish(reply, [&](const json::value& r) {
    const auto* h = r.as_object().if_contains("healthy");
    healthy = h != nullptr && h->is_bool() && h->as_bool();
    ctx.out << (healthy ? "healthy" : "unhealthy") << "\n";
    if (const auto* checks = r.as_object().if_contains("checks"); checks && checks->is_array()) {
      std::vector<CheckLine> lines;
      for (const auto& c : checks->as_array()) {
        const auto& o = c.as_object();
        bool ok = o.contains("ok") && o.at("ok").is_bool() && o.at("ok").as_bool();
        auto str = [&](const char* k) {
          return o.contains(k) && o.at(k).is_string() ? std::string(o.at(k).as_string()) : "";
        };
        lines.push_back({str("name"), ok, str("detail")});
      }
      print_checks(ctx.out, lines, "  ");
    }
  });
  if (code != exit_code::ok) return code;
  if (ctx.json) {
    // --json printed the result without looking at it; the exit code still tells.
    const auto* h = reply->result.as_object().if_contains("healthy");
    healthy = h != nullptr && h->is_bool() && h->as_bool();
  }
  return healthy ? exit_code::ok : exit_code::unhealthy;
}

const Registrar reg{{"health", "probe: exit 0 when every dependency is healthy, 4 when not",
                     "health", run}};

}  // namespace
}  // namespace blazed::ctl
