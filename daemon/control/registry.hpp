// Owns the table of control commands: later modules register their commands here (jobs,
// queues, schedules, sellers, keys, sync) without touching the server.
#pragma once

#include "control/protocol.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace blazed::control {

// A command runs on the server's executor; it may co_await anything, and it returns its result
// object or an Error (use `codes::bad_args` for invalid arguments). It is cancelled (terminal
// cancellation) when the server's stop deadline passes. An exception becomes an `internal` error.
using Handler = std::function<boost::asio::awaitable<Result<boost::json::value>>(const Request&)>;

class CommandRegistry {
 public:
  struct Entry {
    std::string name;
    std::string summary;  // one line, shown by the `commands` command and `blazectl --help`
    Handler handler;
  };

  // Fails with code "duplicate_command" when the name is taken. Thread-safe.
  Status register_command(std::string name, Handler handler, std::string summary = {});
  // A module's commands in one table ({name, summary, handler}); stops at the first failure.
  Status register_all(std::vector<Entry> entries);
  [[nodiscard]] std::optional<Entry> find(std::string_view name) const;
  [[nodiscard]] std::vector<Entry> list() const;  // ordered by name

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace blazed::control
