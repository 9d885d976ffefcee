// Owns the redaction self-test: a canary refresh token, client secret and e-mail address, made at
// run time, written through the daemon's own log line formatting (the path every sink gets its
// lines from, redaction included) into memory; it passes when the line was written and holds none
// of them.
#pragma once

#include "core/clock.hpp"
#include "core/log_line.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace blazed::jobs::compliance {

struct SelfTestResult {
  Clock::time_point ran_at;
  bool passed = false;
  std::string detail;  // what failed; never the canary itself
};

// Formats one line as a sink would receive it.
using LineFormat = std::function<std::string(std::string_view message, log::Fields fields)>;
// The daemon's: log::format_line (configured format, redacted).
LineFormat daemon_line_format();

// `format` is the daemon's unless a test hands another (one without redaction must fail).
SelfTestResult redaction_self_test(const Clock& clock, const LineFormat& format = daemon_line_format());

}  // namespace blazed::jobs::compliance
