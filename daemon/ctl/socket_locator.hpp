// Owns how blazectl finds the control socket: --socket, then $BLAZED_SOCKET, then control.socket
// in the --config file, then the default path.
#pragma once

#include "core/error.hpp"

#include <optional>
#include <string>

namespace blazed::ctl {

inline constexpr const char* default_socket_path = "/run/blazed/control.sock";

struct SocketSources {
  std::optional<std::string> flag;         // --socket PATH
  std::optional<std::string> env;          // $BLAZED_SOCKET (empty counts as unset)
  std::optional<std::string> config_file;  // --config FILE
};

// The first source that names a path wins. A --config file that cannot be read or parsed is an
// error ("bad_config"); one without control.socket falls through to the default.
Result<std::string> locate_socket(const SocketSources& sources);

}  // namespace blazed::ctl
