// Owns how a background task logs a failed pass: a warning, except when the pass was cancelled
// (the daemon is stopping, or a reload replaced the task), which is expected and logged at debug.
#pragma once

#include "core/error.hpp"
#include "core/log.hpp"

#include <string_view>

namespace blazed::log {

// Logs `message` with the error's message (field "error") and code (field "code").
void failure(const Logger& logger, std::string_view message, const Error& e);

}  // namespace blazed::log
