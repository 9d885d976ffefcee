// Owns reading typed values out of YAML nodes (the checks behind every key of the schema).
// Each reader returns the value or an Error whose message says what was expected; the loader
// adds the file, line and key.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace blazed::config::values {

Result<std::string> as_string(const YAML::Node& node);
Result<std::string> as_nonempty_string(const YAML::Node& node);
Result<bool> as_bool(const YAML::Node& node);
Result<std::int64_t> as_integer(const YAML::Node& node, std::int64_t min, std::int64_t max);
Result<Duration> as_duration(const YAML::Node& node);
Result<std::uint16_t> as_port(const YAML::Node& node);
Result<unsigned> as_file_mode(const YAML::Node& node);
Result<log::Level> as_log_level(const YAML::Node& node);
Result<SecretRef> as_secret_ref(const YAML::Node& node);
Result<std::vector<std::string>> as_string_list(const YAML::Node& node);
// A list of numeric ids or names, resolved through the user or group database.
Result<std::vector<uid_t>> as_uid_list(const YAML::Node& node);
Result<std::vector<gid_t>> as_gid_list(const YAML::Node& node);

}  // namespace blazed::config::values
