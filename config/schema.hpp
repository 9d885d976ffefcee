// Owns the table of every configuration key: path, type, default, whether a reload applies it,
// and its documentation. The loader validates against it; a test checks the docs against it.
#pragma once

#include "config/config.hpp"
#include "config/values.hpp"
#include "core/error.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace YAML {
class Node;
}

namespace blazed::config {

struct KeySpec {
  std::string_view path;           // dotted, e.g. "redis.command_timeout"
  std::string_view type;           // as documented: string, duration, bool, integer, ...
  std::string_view default_value;  // as documented
  bool reloadable;                 // applied by SIGHUP without a restart
  std::string_view doc;            // one line
  // Reads the node into the config; on bad input, the message (without file and key) and, for
  // a fault inside the value, where it is (values::ValueError).
  std::function<values::ValueResult<void>(Config&, const YAML::Node&)> apply;
};

const std::vector<KeySpec>& schema();

// The spec for a dotted path, or nullptr.
const KeySpec* find_key(std::string_view path);

}  // namespace blazed::config
