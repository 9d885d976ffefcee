// Owns the client end of the control socket: a blocking Unix stream connection that writes
// bytes and reads newline-terminated lines, each step bounded by a timeout.
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace blazed::ctl {

// Error codes: "connect" (no daemon there, or no permission), "timeout", "eof", "io".
class Connection {
 public:
  static Result<Connection> open(const std::string& socket_path, std::chrono::milliseconds timeout);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  Status write_all(std::string_view bytes);
  // The next line without its '\n'. Lines longer than `max_bytes` fail with "io".
  Result<std::string> read_line(std::size_t max_bytes = 64u << 20);
  // Half-closes: the daemon sees end of input after what was written.
  void shutdown_write();

  [[nodiscard]] int fd() const { return fd_; }

 private:
  Connection(int fd, std::chrono::milliseconds timeout) : fd_(fd), timeout_(timeout) {}
  // Waits until fd is readable (POLLIN) or writable (POLLOUT) within the timeout.
  Status wait_for(short events);

  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string pending_;  // bytes read past the last line
};

}  // namespace blazed::ctl
