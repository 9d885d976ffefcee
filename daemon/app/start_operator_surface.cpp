// Owns building the operator surface: process metrics, the health HTTP server (readiness from
// every registered check) and the control socket with its built-in commands.
#include "control/builtin_commands.hpp"
#include "metrics/process_metrics.hpp"
#include "app/parts.hpp"

namespace blazed::app {

Status start_operator_surface(Parts& p) {
  metrics::register_process_metrics(p.metrics, BLAZED_VERSION);

  p.health_server = std::make_unique<health::HealthServer>(p.io.get_executor(), p.config.health,
                                                           p.metrics, p.readiness);
  if (auto st = p.health_server->start(); !st) return st.error().context("health server");
  if (p.config.health.enabled)
    p.logger.info("health HTTP listening",
                  {{"address", p.config.health.listen}, {"port", p.health_server->port()}});
  p.on_stop("health server", [&p]() -> boost::asio::awaitable<void> {
    p.health_server->stop();
    co_return;
  });

  control::StatusSources sources;
  sources.version = BLAZED_VERSION;
  sources.instance_id = p.config.instance_id;
  sources.clock = &p.clock;
  sources.started_at = p.started_at;
  sources.components = [&p] {
    std::vector<control::ComponentState> out;
    for (auto& o : p.readiness.evaluate()) out.push_back({o.name, o.ok, o.detail});
    return out;
  };
  if (auto st = control::register_builtin_commands(p.commands, std::move(sources)); !st)
    return st;

  p.control_server = std::make_unique<control::ControlServer>(p.io.get_executor(), p.config.control,
                                                              p.commands, &p.metrics);
  if (auto st = p.control_server->start(); !st) return st.error().context("control socket");
  p.logger.info("control socket listening", {{"path", p.control_server->socket_path()}});
  p.on_stop("control socket", [&p]() -> boost::asio::awaitable<void> {
    co_await p.control_server->stop(p.config.shutdown_deadline);
  });
  return {};
}

}  // namespace blazed::app
