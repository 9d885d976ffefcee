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
#include <string_view>
#include <vector>

namespace blazed::control {

// A command runs on the server's executor; it may co_await anything, and it returns its result
// object or an Error (use `codes::bad_args` for invalid arguments). It is cancelled (terminal
// cancellation) when the server's stop deadline passes. An exception becomes an `internal` error.
using Handler = std::function<boost::asio::awaitable<Result<boost::json::value>>(const Request&)>;

// What a command does to the daemon's state, declared by whoever registers it: it decides who may
// run it (read-only: the read role; mutating: the admin role) and whether it is audited (every
// mutating command is, refused or not).
enum class Effect { read_only, mutating };

// What a peer may do, from the control.read_* / control.admin_* lists; admin includes read.
enum class Role { none, read, admin };
std::string_view role_name(Role role);
Role role_needed(Effect effect);

class CommandRegistry {
 public:
  struct Entry {
    std::string name;
    std::string summary;  // one line, shown by the `commands` command and `blazectl --help`
    // Declared by every table row, before the handler, so no command can leave it out.
    Effect effect = Effect::mutating;
    Handler handler;
    // Arguments never written to the audit trail or a log (a refresh token): recorded as "[secret]".
    std::vector<std::string> secret_args = {};
  };

  // Fails with code "duplicate_command" when the name is taken. Thread-safe.
  Status register_command(std::string name, Effect effect, Handler handler, std::string summary = {},
                          std::vector<std::string> secret_args = {});
  // A module's commands in one table ({name, summary, effect, handler[, secret_args]}); stops at
  // the first failure.
  Status register_all(std::vector<Entry> entries);
  [[nodiscard]] std::optional<Entry> find(std::string_view name) const;
  [[nodiscard]] std::vector<Entry> list() const;  // ordered by name

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace blazed::control
