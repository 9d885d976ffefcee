// Owns format_line: a log line exactly as the sinks receive it (the configured format, every
// piece and the whole line redacted), for the redaction self-test that checks that path.
#pragma once

#include "core/log.hpp"

#include <string>
#include <string_view>

namespace blazed::log {

// What Logger::write hands its sink for this line (defined in log.cpp, which writes through it).
std::string format_line(Level level, std::string_view component, std::string_view message, Fields fields = {});

}  // namespace blazed::log
