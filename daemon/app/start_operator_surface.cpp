// Owns building the operator surface: process metrics, the health HTTP server (readiness from
// every registered check) and the control socket with its built-in commands and its audit trail.
#include "control/builtin_commands.hpp"
#include "metrics/process_metrics.hpp"
#include "pg/audit.hpp"
#include "app/parts.hpp"

namespace blazed::app {
namespace {

// A mutating control command as an audit event: action control.<command>, actor uid:N, and the
// peer's pid, gid, role and secret-free arguments in the detail.
boost::asio::awaitable<void> record_control_command(Parts& p, const control::CommandAudit& a) {
  pg::AuditEvent e;
  e.actor = "uid:" + std::to_string(a.peer.uid);
  e.action = "control." + a.command;
  e.data_type = "control";
  e.outcome = a.outcome == control::CommandAudit::Outcome::success  ? pg::AuditOutcome::success
              : a.outcome == control::CommandAudit::Outcome::denied ? pg::AuditOutcome::denied
                                                                     : pg::AuditOutcome::failure;
  e.detail["pid"] = a.peer.pid;
  e.detail["gid"] = a.peer.gid;
  e.detail["role"] = control::role_name(a.role);
  e.detail["args"] = a.args;
  if (!a.error_code.empty()) e.detail["error"] = a.error_code;
  auto recorded = co_await pg::record_audit(*p.db, p.clock, e);
  if (!recorded) {
    p.logger.error("control command not recorded in the audit trail",
                   {{"command", a.command}, {"peer_uid", a.peer.uid}, {"peer_pid", a.peer.pid},
                    {"error", recorded.error().code}});
  }
}

}  // namespace

Status start_operator_surface(Parts& p) {
  metrics::register_process_metrics(p.metrics, BLAZED_VERSION);

  p.health_server = std::make_unique<health::HealthServer>(p.io.get_executor(), p.config.health,
                                                           p.metrics, p.readiness);
  // The health server and the control server log their own "listening" line.
  if (auto st = p.health_server->start(); !st) return st.error().context("health server");
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
  sources.last_reload = [&p] { return p.last_reload; };
  if (auto st = control::register_builtin_commands(p.commands, std::move(sources)); !st)
    return st;

  p.control_server = std::make_unique<control::ControlServer>(p.io.get_executor(), p.config.control,
                                                              p.commands, &p.metrics);
  p.control_server->set_audit(
      [&p](const control::CommandAudit& a) { return record_control_command(p, a); });
  if (auto st = p.control_server->start(); !st) return st.error().context("control socket");
  p.on_stop("control socket", [&p]() -> boost::asio::awaitable<void> {
    co_await p.control_server->stop(p.config.shutdown_deadline);
  });
  return {};
}

}  // namespace blazed::app
