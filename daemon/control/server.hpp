// Owns the control socket server: binds the Unix socket, accepts clients within the limits
// (a peer with a role, max_clients), runs one Session per client, and stops in two stages.
#pragma once

#include "config/config.hpp"
#include "control/command_audit.hpp"
#include "control/peer.hpp"
#include "control/registry.hpp"
#include "core/log.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>

namespace blazed::metrics {
class Registry;
}

namespace blazed::control {

// Not thread-safe: the server and its sessions live on the executor given here (pass a strand
// when the io_context runs on several threads); call start() and stop() there. `commands` and
// `metrics` must outlive the io_context's work.
class ControlServer {
 public:
  // `metrics` (optional) receives blazed_control_* metrics; it must outlive the server.
  ControlServer(boost::asio::any_io_executor executor, config::ControlConfig cfg,
                const CommandRegistry& commands, metrics::Registry* metrics = nullptr);
  // As above with an explicit peer policy (tests drop the always-allowed uids).
  ControlServer(boost::asio::any_io_executor executor, config::ControlConfig cfg,
                const CommandRegistry& commands, PeerPolicy policy,
                metrics::Registry* metrics = nullptr);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Where each mutating command's audit record goes (call before start()); without one, only
  // the log line is written.
  void set_audit(AuditSink sink);

  // Prepares the path, binds, sets the mode, listens, and starts accepting. Errors:
  // "socket_in_use" (a live daemon answers there), "socket_path", "bind".
  Status start();

  // Stage one: stop accepting, close idle connections, let requests in flight finish until
  // `deadline`. Stage two: cancel what is left. Removes the socket file. Idempotent.
  boost::asio::awaitable<void> stop(config::Duration deadline);

  [[nodiscard]] const std::string& socket_path() const;
  [[nodiscard]] std::size_t active_sessions() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace blazed::control
