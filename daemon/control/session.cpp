// Owns one client connection on the control socket (see session.hpp).
#include "control/session.hpp"

#include "core/secret.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

namespace blazed::control {

namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

namespace {

// A request may carry a refresh token (sellers.connect): its bytes are overwritten once it has
// been handled, in the line, the read buffer and the parsed arguments.
void wipe_strings(boost::json::value& v) {
  if (auto* s = v.if_string()) {
    secure_wipe(s->data(), s->size());
  } else if (auto* o = v.if_object()) {
    for (auto& kv : *o) wipe_strings(kv.value());
  } else if (auto* a = v.if_array()) {
    for (auto& item : *a) wipe_strings(item);
  }
}

// Overwrites the first `n` bytes of `buffer` and removes them; the bytes the removal leaves
// behind past the new end are overwritten too.
void consume_wiped(std::string& buffer, std::size_t n) {
  const std::size_t old_size = buffer.size();
  secure_wipe(buffer.data(), n);
  buffer.erase(0, n);
  const std::size_t new_size = buffer.size();
  buffer.resize(old_size, '\0');
  secure_wipe(buffer.data() + new_size, old_size - new_size);
  buffer.resize(new_size);
}

}  // namespace

Session::Session(Socket socket, Peer peer, Role role, const config::ControlConfig& cfg,
                 const CommandRegistry& commands, SessionEvents events)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      peer_(std::move(peer)),
      role_(role),
      max_line_bytes_(cfg.max_line_bytes),
      idle_timeout_(cfg.idle_timeout),
      commands_(commands),
      events_(std::move(events)) {}

void Session::close() {
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  timer_.cancel();
}

void Session::shutdown() {
  stopping_ = true;
  if (!busy_) close();
}

void Session::abort() {
  stopping_ = true;
  cancel_.emit(asio::cancellation_type::terminal);
  close();
}

asio::awaitable<bool> Session::write(const std::string& text) {
  timer_.expires_after(idle_timeout_);
  auto r = co_await (asio::async_write(socket_, asio::buffer(text), use_tuple) ||
                     timer_.async_wait(use_tuple));
  if (r.index() == 1) {
    log_.warn("control client stopped reading; closing", {{"peer_pid", peer_.pid}});
    co_return false;
  }
  co_return !std::get<0>(std::get<0>(r));
}

asio::awaitable<void> Session::run() {
  std::string buffer;
  // The newline is part of the limit's budget: a line of max_line_bytes plus '\n' fits.
  const std::size_t max_buffer = max_line_bytes_ + 1;
  // Room for any ordinary request from the start: growing leaves copies in freed memory.
  buffer.reserve(std::min<std::size_t>(max_buffer, 8192));
  while (!stopping_) {
    timer_.expires_after(idle_timeout_);
    auto r = co_await (
        asio::async_read_until(socket_, asio::dynamic_buffer(buffer, max_buffer), '\n', use_tuple) ||
        timer_.async_wait(use_tuple));
    if (r.index() == 1) {
      if (stopping_) break;
      // Idle between requests, or half a line and then silence.
      events_.request_done("", codes::idle_timeout);
      co_await write(error_reply(nullptr, make_error(codes::idle_timeout,
                                                     "no complete request within the idle timeout")));
      break;
    }
    auto [ec, n] = std::get<0>(r);
    if (ec == asio::error::not_found) {
      co_await write(error_reply(
          nullptr, make_error(codes::line_too_long, "request line exceeds " +
                                                         std::to_string(max_line_bytes_) + " bytes")));
      events_.request_done("", codes::line_too_long);
      break;
    }
    if (ec == asio::error::eof && !buffer.empty() && buffer.size() <= max_line_bytes_) {
      n = buffer.size();  // a last request without its newline
    } else if (ec) {
      break;  // peer gone, or closed by shutdown()
    }
    std::string line = buffer.substr(0, n);
    consume_wiped(buffer, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) {
      busy_ = true;
      co_await handle_line(line);
      busy_ = false;
    }
    secure_wipe(line.data(), line.size());
    if (ec) break;  // that was the last line before eof
  }
  consume_wiped(buffer, buffer.size());
  close();
}

asio::awaitable<void> Session::handle_line(std::string_view line) {
  boost::json::value id;
  auto req = parse_request(line, id);
  std::string reply;
  std::string command;
  std::string outcome = "ok";
  if (!req) {
    reply = error_reply(id, req.error());
    outcome = req.error().code;
  } else if (auto entry = commands_.find(req->command); !entry) {
    reply = error_reply(id, make_error(codes::unknown_command, "unknown command \"" + req->command +
                                                                   "\"; try \"commands\""));
    outcome = codes::unknown_command;
  } else {
    command = entry->name;
    req->peer = peer_;
    auto result = co_await run_command(*entry, *req);
    if (entry->effect == Effect::mutating) co_await audit(*entry, *req, result);
    if (result) {
      reply = ok_reply(id, *result);
    } else {
      reply = error_reply(id, result.error());
      outcome = result.error().code;
    }
    log_.debug("control request", {{"command", command}, {"outcome", outcome},
                                   {"peer_uid", peer_.uid}, {"peer_pid", peer_.pid}});
  }
  if (req) {
    boost::json::value args(std::move(req->args));
    wipe_strings(args);
  }
  events_.request_done(command, outcome);
  if (!co_await write(reply)) close();
}

asio::awaitable<Result<boost::json::value>> Session::run_command(const CommandRegistry::Entry& entry,
                                                                 Request& req) {
  if (const Role needed = role_needed(entry.effect); role_ < needed) {
    const std::string role(role_name(needed));
    co_return make_error(errc::role_required,
                         "\"" + entry.name + "\" changes state and needs the " + role + " role (control." +
                             role + "_uids or control." + role + "_gids); this peer has the " +
                             std::string(role_name(role_)) + " role");
  }
  try {
    co_return co_await entry.handler(req);
  } catch (const boost::system::system_error& e) {
    log_.error("control command threw", {{"command", entry.name}, {"error", e.what()}});
    if (e.code() == asio::error::operation_aborted)
      co_return make_error(codes::shutting_down, "command cancelled by shutdown");
  } catch (const std::exception& e) {
    log_.error("control command threw", {{"command", entry.name}, {"error", e.what()}});
  }
  co_return make_error(codes::internal, "command failed unexpectedly");
}

asio::awaitable<void> Session::audit(const CommandRegistry::Entry& entry, const Request& req,
                                     const Result<boost::json::value>& result) {
  CommandAudit record{entry.name, peer_, role_, audit_args(entry, req.args),
                      CommandAudit::Outcome::success, {}};
  if (!result) {
    record.error_code = result.error().code;
    record.outcome = record.error_code == errc::role_required.name ? CommandAudit::Outcome::denied
                                                                    : CommandAudit::Outcome::failure;
  }
  // The log line is the trail of last resort: it stays when the audit table cannot be written.
  log_.info("control command", {{"command", entry.name},
                                {"outcome", outcome_name(record.outcome)},
                                {"error", record.error_code},
                                {"peer_uid", peer_.uid},
                                {"peer_pid", peer_.pid}});
  if (events_.audit) co_await events_.audit(record);
}

void refuse(Session::Socket& socket, const Error& error) {
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  auto line = error_reply(nullptr, error);
  socket.write_some(asio::buffer(line), ignored);
  socket.shutdown(Session::Socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace blazed::control
