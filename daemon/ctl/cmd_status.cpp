// Owns `blazectl status`: version, instance, uptime, the state of each dependency and the last
// reload's outcome.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

std::string text(const json::value& v, std::string_view key) {
  const auto* f = v.is_object() ? v.as_object().if_contains(key) : nullptr;
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string("?");
}

std::string duration(std::int64_t secs) {
  std::string out;
  if (secs >= 86400) out += std::to_string(secs / 86400) + "d ";
  if (secs >= 3600) out += std::to_string(secs / 3600 % 24) + "h ";
  if (secs >= 60) out += std::to_string(secs / 60 % 60) + "m ";
  return out + std::to_string(secs % 60) + "s";
}

int run(Context& ctx, const std::vector<std::string>& args) {
  if (!args.empty()) return ctx.usage_error("status takes no arguments", "status");
  return ctx.finish(ctx.call("status"), [&](const json::value& r) {
    const auto* up = r.as_object().if_contains("uptime_seconds");
    ctx.out << "blazed " << text(r, "version") << " (instance " << text(r, "instance_id") << ")\n"
            << "up " << duration(up != nullptr && up->is_int64() ? up->as_int64() : 0)
            << " since " << text(r, "started_at") << "\n";
    if (const auto* comps = r.as_object().if_contains("components"); comps && comps->is_object()) {
      std::vector<CheckLine> checks;
      for (const auto& [name, c] : comps->as_object()) {
        const auto* ok = c.as_object().if_contains("ok");
        checks.push_back({std::string(name), ok != nullptr && ok->is_bool() && ok->as_bool(), text(c, "detail")});
      }
      print_checks(ctx.out, checks);
    }
    if (const auto* reload = r.as_object().if_contains("last_reload"); reload && reload->is_object()) {
      auto detail = text(*reload, "detail");
      ctx.out << "last reload " << text(*reload, "at") << ": " << text(*reload, "outcome")
              << (detail.empty() || detail == "?" ? "" : " (" + detail + ")") << "\n";
    }
  });
}

const Registrar reg{{"status", "version, uptime, instance id and dependency states", "status", run}};

}  // namespace
}  // namespace blazed::ctl
