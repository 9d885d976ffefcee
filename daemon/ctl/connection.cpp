// Owns the client end of the control socket (see connection.hpp).
#include "ctl/connection.hpp"

#include "core/errc.hpp"
#include "ctl/errc.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace blazed::ctl {
namespace {

Error errno_error(ErrorCode code, const std::string& what) {
  return make_error(code, what + ": " + std::strerror(errno));
}

// What the operator does about a failed connect, by its errno.
std::string connect_fix(int why) {
  if (why == EACCES || why == EPERM)
    return ": are you in group blazed (usermod -aG blazed $USER, then log in again) or in "
           "control.read_gids?";
  if (why == ENOENT || why == ECONNREFUSED)
    return ": is it running (systemctl status blazed)? is this its control.socket (--socket, "
           "$BLAZED_SOCKET, --config)?";
  return {};
}

}  // namespace

Result<Connection> Connection::open(const std::string& socket_path,
                                    std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  if (socket_path.size() >= sizeof addr.sun_path) {
    return make_error(errc::connect, "socket path too long: " + socket_path);
  }
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_error(errc::connect, "socket");
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  // A Unix socket connect completes or fails at once (or blocks only on a full backlog).
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int why = errno;
    ::close(fd);
    return make_error(errc::connect, std::string(std::strerror(why)) + connect_fix(why));
  }
  return Connection(fd, timeout);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      timeout_(other.timeout_),
      pending_(std::move(other.pending_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    timeout_ = other.timeout_;
    pending_ = std::move(other.pending_);
  }
  return *this;
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

Status Connection::wait_for(short events) {
  pollfd p{fd_, events, 0};
  for (;;) {
    int n = ::poll(&p, 1, static_cast<int>(timeout_.count()));
    if (n > 0) return {};
    if (n == 0)
      return make_error(blazed::errc::timeout, "the daemon did not answer in time (--timeout SECS waits longer)");
    if (errno != EINTR) return errno_error(errc::io, "poll");
  }
}

Status Connection::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    if (auto st = wait_for(POLLOUT); !st) return st;
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno_error(errc::io, "write to control socket");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::string> Connection::read_line(std::size_t max_bytes) {
  for (;;) {
    if (auto nl = pending_.find('\n'); nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return Result<std::string>(boost::system::in_place_value, std::move(line));
    }
    if (pending_.size() > max_bytes) return make_error(errc::io, "reply line too long");
    if (auto st = wait_for(POLLIN); !st) return st.error();
    char buf[65536];
    ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0) return make_error(errc::eof, "the daemon closed the connection");
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return errno_error(errc::io, "read from control socket");
    }
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

void Connection::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

}  // namespace blazed::ctl
