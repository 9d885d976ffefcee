// Owns the control socket's place in the file system: the parent directory, a stale socket left
// by a dead daemon, and the file mode.
#pragma once

#include "core/error.hpp"

#include <string>

namespace blazed::control {

// Makes `path` ready to bind: creates the parent directory (mode 0750) when missing, removes a
// socket nobody answers on, and fails with "socket_in_use" when a live process answers on it or
// with "socket_path" when the path is something other than a socket.
Status prepare_socket_path(const std::string& path);

// Sets the socket file's mode (e.g. 0660) after bind.
Status set_socket_mode(const std::string& path, unsigned mode);

}  // namespace blazed::control
