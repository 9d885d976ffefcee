// Owns tolerant reads of fields from a command's JSON result for human renderers (a missing or
// mistyped field gives a fallback instead of an exception), and reading an id argument.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace blazed::ctl {

// v[key] when v is an object holding it, else nullptr.
const boost::json::value* field(const boost::json::value& v, std::string_view key);
std::string field_text(const boost::json::value& v, std::string_view key, std::string_view fallback = "?");
std::int64_t field_int(const boost::json::value& v, std::string_view key, std::int64_t fallback = 0);
bool field_bool(const boost::json::value& v, std::string_view key);

// A command-line id such as SELLER_ID: a positive decimal number, else nullopt.
std::optional<std::int64_t> positive_id(std::string_view arg);

}  // namespace blazed::ctl
