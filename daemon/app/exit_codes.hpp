// Owns blazed's exit codes and which start-up failures are permanent (78: restarting cannot help,
// so systemd's RestartPreventExitStatus=78 stops the loop) and which are transient (69).
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string_view>

namespace blazed::app {

// Exit codes of `blazed` (documented in docs/operations.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnavailable = 69;  // EX_UNAVAILABLE: a dependency refused at start-up
inline constexpr int kExitConfig = 78;       // EX_CONFIG: something only the operator can fix

// True for a failure that needs the operator: the config, a key file, a socket or port another
// process holds, the schema. A dependency that may come back (PostgreSQL down) is not permanent.
[[nodiscard]] bool is_permanent_start_failure(const Error& e);

// kExitConfig for a permanent failure, else kExitUnavailable.
[[nodiscard]] int start_failure_exit_code(const Error& e);

// A server certificate that the configured CA or host name rejects fails every attempt until the
// operator changes the configuration, so at start-up (and for `--check-config --online`) it is a
// configuration error: these turn such a connect failure into `bad_config` naming the keys to fix,
// and return nullopt for any other failure (the service down stays transient). Once running, the
// clients keep treating it as the service being unreachable.
[[nodiscard]] std::optional<Error> redis_certificate_error(const Error& connect_error);
// `dsn_key`: postgres.dsn, or postgres.migrate_dsn for the owner's connections.
[[nodiscard]] std::optional<Error> postgres_certificate_error(const Error& e,
                                                              std::string_view dsn_key);

}  // namespace blazed::app
