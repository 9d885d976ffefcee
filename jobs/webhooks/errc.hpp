// Owns the error codes of jobs/webhooks: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::webhooks::errc {

BLAZED_ERROR_CODES("jobs/webhooks", webhook_not_configured, webhook_rejected);

}  // namespace blazed::jobs::webhooks::errc
