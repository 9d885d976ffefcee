// Owns typed access to a request's args for command handlers: each getter fails with the
// `bad_args` code and a message naming the argument. Numbers and booleans are also accepted as
// strings ("5", "true"), because `blazectl call --arg k=v` sends every value as a string.
#pragma once

#include "control/protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace blazed::control::args {

Result<std::string> get_string(const Request& req, std::string_view key);
Result<std::int64_t> get_int(const Request& req, std::string_view key);
Result<bool> get_bool(const Request& req, std::string_view key);

// Absent (or null) arguments give std::nullopt instead of an error.
Result<std::optional<std::string>> find_string(const Request& req, std::string_view key);
Result<std::optional<std::int64_t>> find_int(const Request& req, std::string_view key);
Result<std::optional<bool>> find_bool(const Request& req, std::string_view key);

}  // namespace blazed::control::args
