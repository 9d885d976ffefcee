// Owns one client connection on the control socket: reads lines within the size and idle limits,
// dispatches each request to its command, writes the reply, and obeys the server's stop.
#pragma once

#include "config/config.hpp"
#include "control/command_audit.hpp"
#include "control/protocol.hpp"
#include "control/registry.hpp"
#include "core/log.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace blazed::control {

// Counters a session reports into (the server maps them onto metrics), and where it sends the
// audit record of each mutating command (none: the log line only).
struct SessionEvents {
  std::function<void(std::string_view command, std::string_view outcome)> request_done;
  AuditSink audit;
};

// Lives on the server's executor; all members are touched from that executor only.
class Session : public std::enable_shared_from_this<Session> {
 public:
  using Socket = boost::asio::local::stream_protocol::socket;

  // `role` is the peer's (never none): a command needing more is refused with role_required.
  Session(Socket socket, Peer peer, Role role, const config::ControlConfig& cfg,
          const CommandRegistry& commands, SessionEvents events);

  boost::asio::awaitable<void> run();

  // Stop, stage one: close now if waiting for a request, else after the reply in flight.
  void shutdown();
  // Stop, stage two: cancel the running command and close the connection.
  void abort();

  // Where run() must be spawned so that abort() can cancel it.
  boost::asio::cancellation_slot cancellation_slot() { return cancel_.slot(); }

 private:
  boost::asio::awaitable<void> handle_line(std::string_view line);
  // Runs the command the peer's role allows; the reply's result or error.
  boost::asio::awaitable<Result<boost::json::value>> run_command(const CommandRegistry::Entry& entry,
                                                                 Request& req);
  // A mutating command's audit record (and its log line): refused, failed or done.
  boost::asio::awaitable<void> audit(const CommandRegistry::Entry& entry, const Request& req,
                                     const Result<boost::json::value>& result);
  // Writes `text` unless the idle timeout passes first; false when the connection is gone.
  boost::asio::awaitable<bool> write(const std::string& text);
  void close();

  Socket socket_;
  boost::asio::steady_timer timer_;
  Peer peer_;
  Role role_;
  std::size_t max_line_bytes_;
  config::Duration idle_timeout_;
  const CommandRegistry& commands_;
  SessionEvents events_;
  boost::asio::cancellation_signal cancel_;
  bool busy_ = false;
  bool stopping_ = false;
  log::Logger log_{"control"};
};

// Sends one error line without waiting and closes: for connections refused at accept
// (busy, forbidden). A fresh socket's buffer always has room for one short line.
void refuse(Session::Socket& socket, const Error& error);

}  // namespace blazed::control
