// Owns building and validating the SP-API user-agent.
#include "http/user_agent.hpp"

#include "core/errc.hpp"

#include <algorithm>

namespace blazed::http {

namespace {
bool valid_part(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != '/' && c != '(' && c != ')' && c != ';';
  });
}
}  // namespace

Result<std::string> make_user_agent(std::string_view app_name, std::string_view app_version) {
  if (!valid_part(app_name) || !valid_part(app_version)) {
    return make_error(blazed::errc::bad_config,
                      "user agent name and version must be non-empty printable ASCII without "
                      "spaces, '/', '(', ')' or ';'");
  }
  std::string ua = std::string(app_name) + "/" + std::string(app_version) +
                   " (Language=C++; Platform=Linux)";
  if (ua.size() > max_user_agent_length) {
    return make_error(blazed::errc::bad_config, "user agent longer than 500 characters");
  }
  return Result<std::string>(boost::system::in_place_value, std::move(ua));
}

}  // namespace blazed::http
