// Owns the reading of a subcommand's options into its call's arguments, so a cmd_*.cpp states the
// options it takes instead of walking argv itself.
#pragma once

#include <boost/json/object.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::ctl {

struct OptionSpec {
  std::string_view flag;  // e.g. "--into"
  std::string_view key;   // the call argument it sets, e.g. "into"
  bool takes_value = true;  // false: a switch that sets `key` to true
};

struct ReadOptions {
  boost::json::object args;
  std::string problem;  // empty when every argument was understood; else what to tell the user
};

// "--flag VALUE" sets key to VALUE, a switch sets key to true, and one bare word sets `positional`
// (when the command takes one). An unknown option, a missing value or a second bare word is a
// problem.
ReadOptions read_options(const std::vector<std::string>& args, std::initializer_list<OptionSpec> specs,
                         std::string_view positional = {});

}  // namespace blazed::ctl
