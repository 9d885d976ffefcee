// Owns the error codes of jobs/purge: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::purge::errc {

BLAZED_ERROR_CODES("jobs/purge", purge_running);

}  // namespace blazed::jobs::purge::errc
