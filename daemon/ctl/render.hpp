// Owns blazectl's generic human rendering of a JSON result, for commands without a renderer
// of their own.
#pragma once

#include <boost/json/value.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace blazed::ctl {

// Objects become "key: value" lines, nested ones indented; arrays become "- item" lines;
// strings print without quotes; an empty object prints "ok".
std::string render_human(const boost::json::value& v);

// A value for a table cell: strings unquoted, null as "-", anything else as JSON.
std::string cell(const boost::json::value& v);
// The field `key` of object `o` as a cell ("-" when absent).
std::string cell(const boost::json::value& o, std::string_view key);
// A Unix-ms time (a JSON number) as "YYYY-MM-DDTHH:MM:SSZ" UTC; "-" when null or absent.
std::string time_cell(const boost::json::value& o, std::string_view key);

// Left-aligned columns, two spaces apart, a header line first (unless `with_header` is false).
void print_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows, bool with_header = true);

// One dependency check's line of `status` and `health`.
struct CheckLine {
  std::string name;
  bool ok = false;
  std::string detail;
};
// Each check as "name  ok|FAIL  detail" after `indent`, in columns as wide as their widest
// entry (a long name such as redis_settings never runs into its state).
void print_checks(std::ostream& out, const std::vector<CheckLine>& checks, const std::string& indent = "");

}  // namespace blazed::ctl
