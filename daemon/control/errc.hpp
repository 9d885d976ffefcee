// Owns the error codes of daemon/control: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::control::errc {

BLAZED_ERROR_CODES("daemon/control",
    bad_json, not_object, missing_command, unknown_command, bad_args, line_too_long,
    idle_timeout, shutting_down, internal, bad_command, duplicate_command, peer_credentials,
    socket_in_use, socket_path, role_required);

}  // namespace blazed::control::errc
