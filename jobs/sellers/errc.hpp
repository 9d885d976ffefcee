// Owns the error codes of jobs/sellers: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::sellers::errc {

BLAZED_ERROR_CODES("jobs/sellers", seller_not_found, seller_deleting, not_needs_reauth);

}  // namespace blazed::jobs::sellers::errc
