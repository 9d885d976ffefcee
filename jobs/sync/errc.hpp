// Owns the error codes of jobs/sync: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::sync::errc {

BLAZED_ERROR_CODES("jobs/sync",
    bad_payload, seller_inactive, spapi_not_configured, sync_state_missing, no_token, defer,
    no_page, sync_fenced, sync_stopped);

}  // namespace blazed::jobs::sync::errc
