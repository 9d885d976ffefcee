// Owns reading typed values out of YAML nodes (the checks behind every key of the schema).
// Each reader returns the value or an Error whose message says what was expected; the loader
// adds the file, line and key.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace blazed::config::values {

// A reader's failure somewhere inside a key's value (a list item's field): the sub-key after the
// key's path ("[2].cron") and that node's line (0-based, -1: the key's own line), so the loader
// reports "file:LINE: key 'schedules[2].cron': ...". Converts from a plain Error.
struct ValueError {
  ValueError() = default;
  ValueError(Error e) : message(std::move(e.message)) {}  // NOLINT: implicit on purpose
  ValueError(std::string sub, int at_line, std::string m)
      : message(std::move(m)), subkey(std::move(sub)), line(at_line) {}
  std::string message;
  std::string subkey;
  int line = -1;
};
template <class T>
using ValueResult = boost::system::result<T, ValueError>;

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
// A list of numeric ids or names, resolved through the user or group database; the overflow id
// (kOverflowId) is refused.
Result<std::vector<uid_t>> as_uid_list(const YAML::Node& node);
Result<std::vector<gid_t>> as_gid_list(const YAML::Node& node);
// A group's id by name from the group database; nullopt when there is no such group.
std::optional<gid_t> group_id(const std::string& name);
// control.read_gids when it is not given (or given empty, `read_gids:`): the group
// kDefaultReadGroup where the system has it, else no group.
std::vector<gid_t> default_read_gids();
// A gid list, or the default above for an empty value.
Result<std::vector<gid_t>> as_read_gid_list(const YAML::Node& node);
// A finite decimal number in [min, max]; min_exclusive makes the lower bound strict.
Result<double> as_number(const YAML::Node& node, double min, double max, bool min_exclusive = false);
// A calendar date written YYYY-MM-DD.
Result<std::chrono::sys_days> as_date(const YAML::Node& node);
// A date, or none when the value is empty ("" or no value): the date is not known.
Result<std::optional<std::chrono::sys_days>> as_optional_date(const YAML::Node& node);
// A YAML mapping serialized as compact JSON text (plain scalars typed as YAML reads them:
// integers, decimals, true/false, null; quoted scalars stay strings).
Result<std::string> as_json_object(const YAML::Node& node);

}  // namespace blazed::config::values
