// Owns lossless JSON parsing for SP-API bodies: every JSON number becomes a string holding its
// exact source text, so money never passes through a double (boost::json::parse would turn
// 12.3456789012345678901 into 12.345678901234567).
#pragma once

#include "core/error.hpp"

#include <boost/json/value.hpp>

#include <string_view>

namespace blazed::spapi {

// Parses `text` into a value tree in which numbers are json::string (their source text).
// Fails with `spapi_malformed` on invalid JSON.
Result<boost::json::value> parse_json_exact(std::string_view text);

// The same for a body that must be a JSON object; `what` names it in the error.
Result<boost::json::object> parse_json_object_exact(std::string_view text, std::string_view what);

}  // namespace blazed::spapi
