// Owns the redaction self-test (see redaction_self_test.hpp).
#include "jobs/compliance/redaction_self_test.hpp"

#include <array>

namespace blazed::jobs::compliance {

namespace {
constexpr std::string_view kMessage = "redaction self-test";
}

LineFormat daemon_line_format() {
  return [](std::string_view message, log::Fields fields) {
    return log::format_line(log::Level::info, "compliance", message, fields);
  };
}

SelfTestResult redaction_self_test(const Clock& clock, const LineFormat& format) {
  const auto now = clock.now();
  // Made from the time of the run, so that no canary is a constant a filter could learn.
  const std::string run = std::to_string(now.time_since_epoch().count());
  const std::string token = "Atzr|IwEBIselftest" + run;
  const std::string client_secret = "amzn1.oa2-cs.v1.selftest" + run;
  const std::string email = "selftest." + run + "@example.com";
  const std::string message = std::string(kMessage) + " " + token + " for " + email;
  const std::string line = format(message, {{"refresh_token", token}, {"client_secret", client_secret},
                                            {"email", email}});
  SelfTestResult result{now, false, {}};
  if (line.find(kMessage) == std::string::npos) {
    result.detail = "the canary line was not written";
    return result;
  }
  const std::array<std::pair<std::string_view, const std::string*>, 3> canaries{
      {{"refresh token", &token}, {"client secret", &client_secret}, {"e-mail address", &email}}};
  for (const auto& [what, canary] : canaries) {
    if (line.find(*canary) != std::string::npos) {
      result.detail = std::string("the canary ") + std::string(what) + " reached the log line";
      return result;
    }
  }
  // The run's unique part alone is a leak too: a mask that keeps part of a value fails.
  if (line.find(run) != std::string::npos) {
    result.detail = "part of a canary reached the log line";
    return result;
  }
  result.passed = true;
  result.detail = "canary token, client secret and e-mail masked";
  return result;
}

}  // namespace blazed::jobs::compliance
