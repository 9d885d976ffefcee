// Owns the user-agent string in Amazon's required format.
#pragma once

#include "core/error.hpp"

#include <string>
#include <string_view>

namespace blazed::http {

// "AppName/Version (Language=C++; Platform=Linux)". Amazon allows at most 500 characters; the
// name and version must be non-empty printable ASCII without '/', '(' or ')' so the format
// stays parseable.
Result<std::string> make_user_agent(std::string_view app_name, std::string_view app_version);

inline constexpr std::size_t max_user_agent_length = 500;

}  // namespace blazed::http
