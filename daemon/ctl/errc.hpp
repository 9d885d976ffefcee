// Owns the error codes of daemon/ctl: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::ctl::errc {

BLAZED_ERROR_CODES("daemon/ctl", connect, eof, io, bad_reply, empty_secret);

}  // namespace blazed::ctl::errc
