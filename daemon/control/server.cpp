// Owns the control socket server (see server.hpp).
#include "control/server.hpp"

#include "control/session.hpp"
#include "control/socket_file.hpp"
#include "core/errc.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/stat.h>

#include <set>

namespace blazed::control {

namespace asio = boost::asio;
using Protocol = asio::local::stream_protocol;

struct ControlServer::State : std::enable_shared_from_this<State> {
  State(asio::any_io_executor ex, config::ControlConfig c, const CommandRegistry& cmds,
        PeerPolicy p, metrics::Registry* m)
      : executor(ex), cfg(std::move(c)), commands(cmds), policy(std::move(p)), acceptor(ex),
        drained(ex) {
    if (m != nullptr) {
      open = &m->gauge("blazed_control_connections", "Open control socket connections.").get();
      accepted = &m->counter("blazed_control_connections_total",
                             "Control socket connections by outcome (accepted, busy, forbidden).",
                             {"outcome"});
      requests = &m->counter("blazed_control_requests_total",
                             "Control requests by command and outcome (ok or an error code).",
                             {"command", "outcome"});
    }
  }

  asio::awaitable<void> accept_loop();
  void admit(Protocol::socket socket);
  void count_connection(const char* outcome) {
    if (accepted != nullptr) accepted->with({outcome}).inc();
  }

  asio::any_io_executor executor;
  config::ControlConfig cfg;
  const CommandRegistry& commands;
  PeerPolicy policy;
  AuditSink audit;
  Protocol::acceptor acceptor;
  asio::steady_timer drained;  // cancelled when the last session leaves during stop
  std::set<std::shared_ptr<Session>> sessions;
  bool stopping = false;
  ino_t socket_inode = 0;  // so stop() removes our socket file, not a successor's
  metrics::Gauge* open = nullptr;
  metrics::CounterFamily* accepted = nullptr;
  metrics::CounterFamily* requests = nullptr;
  log::Logger log{"control"};
};

ControlServer::ControlServer(asio::any_io_executor executor, config::ControlConfig cfg,
                             const CommandRegistry& commands, metrics::Registry* metrics)
    : ControlServer(executor, cfg, commands, PeerPolicy::from_config(cfg), metrics) {}

ControlServer::ControlServer(asio::any_io_executor executor, config::ControlConfig cfg,
                             const CommandRegistry& commands, PeerPolicy policy,
                             metrics::Registry* metrics)
    : state_(std::make_shared<State>(executor, std::move(cfg), commands, std::move(policy),
                                     metrics)) {}

ControlServer::~ControlServer() {
  boost::system::error_code ignored;
  state_->acceptor.close(ignored);
}

void ControlServer::set_audit(AuditSink sink) { state_->audit = std::move(sink); }

const std::string& ControlServer::socket_path() const { return state_->cfg.socket; }
std::size_t ControlServer::active_sessions() const { return state_->sessions.size(); }

Status ControlServer::start() {
  auto& s = *state_;
  if (auto st = prepare_socket_path(s.cfg.socket); !st) return st;
  boost::system::error_code ec;
  s.acceptor.open(Protocol(), ec);
  if (!ec) s.acceptor.bind(Protocol::endpoint(s.cfg.socket), ec);
  if (ec) return make_error(blazed::errc::bind, "cannot bind " + s.cfg.socket + ": " + ec.message());
  // The mode is set before listen(), so nobody connects through a wider mode.
  if (auto st = set_socket_mode(s.cfg.socket, s.cfg.mode); !st) return st;
  struct stat st {};
  if (::stat(s.cfg.socket.c_str(), &st) == 0) s.socket_inode = st.st_ino;
  s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return make_error(blazed::errc::bind, "cannot listen on " + s.cfg.socket + ": " + ec.message());
  asio::co_spawn(s.executor, s.accept_loop(), [state = state_](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      state->log.critical("control accept loop died", {{"error", ex.what()}});
    }
  });
  s.log.info("control socket listening",
             {{"socket", s.cfg.socket}, {"max_clients", s.cfg.max_clients}});
  return {};
}

asio::awaitable<void> ControlServer::State::accept_loop() {
  auto self = shared_from_this();
  while (!stopping) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
    if (stopping || ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor) break;
    if (ec) {
      // EMFILE and friends: log and keep serving the clients already connected.
      log.warn("control accept failed", {{"error", ec.message()}});
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    admit(std::move(socket));
  }
}

void ControlServer::State::admit(Protocol::socket socket) {
  auto peer = read_peer(socket.native_handle());
  const Role role = peer ? policy.role_of(*peer) : Role::none;
  if (role == Role::none) {
    if (peer) {
      log.warn("control peer refused", {{"peer_uid", peer->uid}, {"peer_pid", peer->pid}});
    }
    count_connection("forbidden");
    refuse(socket, make_error(codes::forbidden,
                              "this user may not use the control socket (control.read_uids, "
                              "control.read_gids, control.admin_uids, control.admin_gids)"));
    return;
  }
  if (sessions.size() >= static_cast<std::size_t>(std::max(cfg.max_clients, 0))) {
    count_connection("busy");
    refuse(socket, make_error(codes::busy, "too many control clients; try again"));
    return;
  }
  count_connection("accepted");
  // `this` outlives the session: the coroutine that runs it holds the State.
  SessionEvents events;
  events.request_done = [this](std::string_view command, std::string_view outcome) {
    if (requests != nullptr) {
      requests->with({command.empty() ? "none" : std::string(command), std::string(outcome)}).inc();
    }
  };
  events.audit = audit;
  auto session = std::make_shared<Session>(std::move(socket), std::move(*peer), role, cfg, commands,
                                           std::move(events));
  sessions.insert(session);
  if (open != nullptr) open->set(static_cast<double>(sessions.size()));
  auto run = [](std::shared_ptr<State> state, std::shared_ptr<Session> s) -> asio::awaitable<void> {
    co_await s->run();
    state->sessions.erase(s);
    if (state->open != nullptr) state->open->set(static_cast<double>(state->sessions.size()));
    if (state->stopping && state->sessions.empty()) state->drained.cancel();
  };
  auto slot = session->cancellation_slot();
  asio::co_spawn(executor, run(shared_from_this(), session),
                 asio::bind_cancellation_slot(
                     slot, [state = shared_from_this(), session](std::exception_ptr e) {
                       // Only an aborted command ends up here; the session is gone either way.
                       if (e) {
                         state->sessions.erase(session);
                         if (state->stopping && state->sessions.empty()) state->drained.cancel();
                       }
                     }));
}

asio::awaitable<void> ControlServer::stop(config::Duration deadline) {
  auto s = state_;
  if (s->stopping) co_return;
  s->stopping = true;
  boost::system::error_code ignored;
  s->acceptor.close(ignored);
  for (const auto& session : std::set(s->sessions)) session->shutdown();
  if (!s->sessions.empty()) {
    s->drained.expires_after(deadline);
    co_await s->drained.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (!s->sessions.empty()) {
    s->log.warn("control stop deadline passed; cancelling commands",
                {{"sessions", s->sessions.size()}});
    for (const auto& session : std::set(s->sessions)) session->abort();
  }
  struct stat st {};
  if (s->socket_inode != 0 && ::stat(s->cfg.socket.c_str(), &st) == 0 &&
      st.st_ino == s->socket_inode) {
    ::unlink(s->cfg.socket.c_str());
  }
  s->log.info("control socket stopped");
}

}  // namespace blazed::control
