// Owns the error codes of daemon/control: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::control::errc {

inline constexpr ErrorCode bad_json{"bad_json", "daemon/control"};
inline constexpr ErrorCode not_object{"not_object", "daemon/control"};
inline constexpr ErrorCode missing_command{"missing_command", "daemon/control"};
inline constexpr ErrorCode unknown_command{"unknown_command", "daemon/control"};
inline constexpr ErrorCode bad_args{"bad_args", "daemon/control"};
inline constexpr ErrorCode line_too_long{"line_too_long", "daemon/control"};
inline constexpr ErrorCode idle_timeout{"idle_timeout", "daemon/control"};
inline constexpr ErrorCode shutting_down{"shutting_down", "daemon/control"};
inline constexpr ErrorCode internal{"internal", "daemon/control"};
inline constexpr ErrorCode bad_command{"bad_command", "daemon/control"};
inline constexpr ErrorCode duplicate_command{"duplicate_command", "daemon/control"};
inline constexpr ErrorCode peer_credentials{"peer_credentials", "daemon/control"};
inline constexpr ErrorCode socket_in_use{"socket_in_use", "daemon/control"};
inline constexpr ErrorCode socket_path{"socket_path", "daemon/control"};
inline constexpr ErrorCode role_required{"role_required", "daemon/control"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    bad_json, not_object, missing_command, unknown_command, bad_args, line_too_long, idle_timeout,
    shutting_down, internal, bad_command, duplicate_command, peer_credentials, socket_in_use,
    socket_path, role_required
};

}  // namespace blazed::control::errc
