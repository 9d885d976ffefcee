// Owns the control commands every daemon has (see builtin_commands.hpp).
#include "control/builtin_commands.hpp"

#include "core/redact.hpp"

#include <chrono>
#include <ctime>
#include <memory>

namespace blazed::control {
namespace {

namespace json = boost::json;

std::string iso8601(Clock::time_point t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<ComponentState> components(const StatusSources& s) {
  return s.components ? s.components() : std::vector<ComponentState>{};
}

}  // namespace

Status register_builtin_commands(CommandRegistry& registry, StatusSources sources) {
  auto src = std::make_shared<const StatusSources>(std::move(sources));

  auto status = [src](const Request&) -> boost::asio::awaitable<Result<json::value>> {
    auto now = src->clock->now();
    auto uptime = std::chrono::duration_cast<std::chrono::seconds>(now - src->started_at).count();
    json::object comps;
    for (const auto& c : components(*src)) {
      comps[c.name] = {{"ok", c.ok}, {"detail", redact(c.detail)}};
    }
    json::value reload = nullptr;
    if (auto r = src->last_reload ? src->last_reload() : std::nullopt)
      reload = json::object{{"at", iso8601(r->at)}, {"outcome", r->outcome}, {"detail", redact(r->detail)}};
    co_return json::value(json::object{{"version", src->version},
                                       {"instance_id", src->instance_id},
                                       {"started_at", iso8601(src->started_at)},
                                       {"uptime_seconds", uptime},
                                       {"components", std::move(comps)},
                                       {"last_reload", std::move(reload)}});
  };

  auto health = [src](const Request&) -> boost::asio::awaitable<Result<json::value>> {
    json::array checks;
    bool healthy = true;
    for (const auto& c : components(*src)) {
      healthy = healthy && c.ok;
      checks.push_back(json::object{{"name", c.name}, {"ok", c.ok}, {"detail", redact(c.detail)}});
    }
    co_return json::value(json::object{{"healthy", healthy}, {"checks", std::move(checks)}});
  };

  auto list = [&registry](const Request&) -> boost::asio::awaitable<Result<json::value>> {
    json::array out;
    for (const auto& e : registry.list()) {
      out.push_back(json::object{
          {"name", e.name}, {"summary", e.summary}, {"role", role_name(role_needed(e.effect))}});
    }
    co_return json::value(json::object{{"commands", std::move(out)}});
  };

  return registry.register_all({
      {"status", "version, uptime, instance id and dependency states", Effect::read_only, status},
      {"health", "whether every dependency is healthy", Effect::read_only, health},
      {"commands", "the commands this daemon answers", Effect::read_only, list},
  });
}

}  // namespace blazed::control
