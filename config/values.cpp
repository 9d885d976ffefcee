// Owns the typed value readers used by the schema.
#include "config/values.hpp"

#include "config/loader.hpp"
#include "core/errc.hpp"

#include <grp.h>
#include <pwd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <charconv>
#include <cmath>
#include <sstream>

namespace blazed::config::values {
namespace {

Error bad(std::string expected, const YAML::Node& node) {
  std::string got = node.IsScalar() ? "'" + node.Scalar() + "'"
                    : node.IsSequence() ? std::string("a list")
                    : node.IsMap()      ? std::string("a mapping")
                                        : std::string("nothing");
  return make_error(blazed::errc::bad_config, "expected " + std::move(expected) + ", got " + got);
}

Result<std::int64_t> to_integer(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return make_error(blazed::errc::bad_config, "not an integer");
  return v;
}

template <class Id, class Lookup>
Result<std::vector<Id>> id_list(const YAML::Node& node, std::string_view what, Lookup lookup) {
  if (!node.IsSequence()) return bad("a list of " + std::string(what) + " names or numeric ids", node);
  std::vector<Id> ids;
  for (const auto& item : node) {
    if (!item.IsScalar()) return bad("a " + std::string(what) + " name or numeric id", item);
    std::optional<Id> id;
    if (auto n = to_integer(item.Scalar()); n && *n >= 0) {
      id = static_cast<Id>(*n);
    } else {
      id = lookup(item.Scalar());
      if (!id) return make_error(blazed::errc::bad_config, "unknown " + std::string(what) + " '" + item.Scalar() + "'");
    }
    if (*id == kOverflowId)
      return make_error(blazed::errc::bad_config, "'" + item.Scalar() + "' is the overflow id " +
                                                      std::to_string(kOverflowId) +
                                                      " that the kernel reports for any unmapped " +
                                                      std::string(what) + "; it names no one in particular");
    ids.push_back(*id);
  }
  return ids;
}

std::string number_text(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// YAML plain scalars as YAML 1.2 core types; quoted ones ("!" tag) are always strings.
boost::json::value to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    boost::json::object o;
    for (const auto& kv : node) o[kv.first.Scalar()] = to_json(kv.second);
    return o;
  }
  if (node.IsSequence()) {
    boost::json::array a;
    for (const auto& item : node) a.push_back(to_json(item));
    return a;
  }
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return boost::json::string(s);
  if (s == "null" || s == "~" || s.empty()) return nullptr;
  if (s == "true") return true;
  if (s == "false") return false;
  if (auto i = to_integer(s)) return *i;
  double d = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc{} && p == s.data() + s.size() && std::isfinite(d)) return d;
  return boost::json::string(s);
}

}  // namespace

Result<std::string> as_string(const YAML::Node& node) {
  if (!node.IsScalar()) return bad("a string", node);
  return node.Scalar();
}

Result<std::string> as_nonempty_string(const YAML::Node& node) {
  auto s = as_string(node);
  if (s && s->empty()) return bad("a non-empty string", node);
  return s;
}

Result<bool> as_bool(const YAML::Node& node) {
  if (node.IsScalar()) {
    const auto& s = node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  return bad("true or false", node);
}

Result<std::int64_t> as_integer(const YAML::Node& node, std::int64_t min, std::int64_t max) {
  std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar()) return bad(range, node);
  auto v = to_integer(node.Scalar());
  if (!v || *v < min || *v > max) return bad(range, node);
  return *v;
}

Result<Duration> as_duration(const YAML::Node& node) {
  if (!node.IsScalar()) return bad("a duration like 250ms, 30s, 5m, 2h or 7d", node);
  auto d = parse_duration(node.Scalar());
  if (!d) return bad("a duration like 250ms, 30s, 5m, 2h or 7d", node);
  return d;
}

Result<std::uint16_t> as_port(const YAML::Node& node) {
  auto v = as_integer(node, 0, 65535);
  if (!v) return v.error();
  return static_cast<std::uint16_t>(*v);
}

Result<unsigned> as_file_mode(const YAML::Node& node) {
  std::string_view s = node.IsScalar() ? std::string_view(node.Scalar()) : std::string_view();
  unsigned mode = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), mode, 8);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || mode > 0777)
    return bad("an octal file mode like 0660", node);
  return mode;
}

Result<log::Level> as_log_level(const YAML::Node& node) {
  if (node.IsScalar())
    if (auto l = log::parse_level(node.Scalar())) return *l;
  return bad("one of trace, debug, info, warn, error, critical, off", node);
}

Result<SecretRef> as_secret_ref(const YAML::Node& node) {
  // The value is not quoted back: what stands here by mistake may be the secret itself.
  auto r = node.IsScalar() ? parse_secret_ref(node.Scalar()) : Result<SecretRef>(Error{});
  if (!r)
    return make_error(blazed::errc::bad_config,
                      "expected a secret reference env:NAME, file:/path or credential:NAME "
                      "(the value is not shown: secrets never belong in the YAML)");
  return r;
}

Result<std::vector<std::string>> as_string_list(const YAML::Node& node) {
  if (!node.IsSequence()) return bad("a list of strings", node);
  std::vector<std::string> out;
  for (const auto& item : node) {
    if (!item.IsScalar()) return bad("a string", item);
    out.push_back(item.Scalar());
  }
  return out;
}

Result<std::vector<uid_t>> as_uid_list(const YAML::Node& node) {
  return id_list<uid_t>(node, "user", [](const std::string& name) -> std::optional<uid_t> {
    passwd pw{};
    passwd* found = nullptr;
    char buf[4096];
    if (getpwnam_r(name.c_str(), &pw, buf, sizeof buf, &found) != 0 || found == nullptr)
      return std::nullopt;
    return pw.pw_uid;
  });
}

std::optional<gid_t> group_id(const std::string& name) {
  group gr{};
  group* found = nullptr;
  char buf[4096];
  if (getgrnam_r(name.c_str(), &gr, buf, sizeof buf, &found) != 0 || found == nullptr) return std::nullopt;
  return gr.gr_gid;
}

Result<std::vector<gid_t>> as_gid_list(const YAML::Node& node) { return id_list<gid_t>(node, "group", group_id); }

std::vector<gid_t> default_read_gids() {
  auto gid = group_id(kDefaultReadGroup);
  return gid ? std::vector<gid_t>{*gid} : std::vector<gid_t>{};
}

Result<std::vector<gid_t>> as_read_gid_list(const YAML::Node& node) {
  if (node.IsNull()) return default_read_gids();
  return as_gid_list(node);
}

Result<double> as_number(const YAML::Node& node, double min, double max, bool min_exclusive) {
  std::string range = "a number " + std::string(min_exclusive ? "greater than " : "from ") +
                      number_text(min) + (min_exclusive ? " and at most " : " to ") + number_text(max);
  if (!node.IsScalar()) return bad(range, node);
  const std::string& s = node.Scalar();
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  bool in_range = min_exclusive ? v > min : v >= min;
  // from_chars also reads "nan" and "inf"; neither is a rate.
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v) || !in_range ||
      v > max)
    return bad(range, node);
  return v;
}

Result<std::chrono::sys_days> as_date(const YAML::Node& node) {
  std::string_view s = node.IsScalar() ? std::string_view(node.Scalar()) : std::string_view();
  auto digits = [&](std::size_t from, std::size_t n) -> int {
    int v = 0;
    auto [p, ec] = std::from_chars(s.data() + from, s.data() + from + n, v);
    return ec == std::errc{} && p == s.data() + from + n ? v : -1;
  };
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {
    int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month(static_cast<unsigned>(m)),
                                     std::chrono::day(static_cast<unsigned>(d))};
    if (y >= 0 && m >= 0 && d >= 0 && date.ok()) return std::chrono::sys_days{date};
  }
  return bad("a date YYYY-MM-DD", node);
}

Result<std::optional<std::chrono::sys_days>> as_optional_date(const YAML::Node& node) {
  if (node.IsNull() || (node.IsScalar() && node.Scalar().empty())) return std::optional<std::chrono::sys_days>{};
  auto d = as_date(node);
  if (!d) return d.error();
  return std::optional<std::chrono::sys_days>{*d};
}

Result<std::string> as_json_object(const YAML::Node& node) {
  if (!node.IsMap()) return bad("a mapping (the JSON object), e.g. {seller_id: 42}", node);
  return boost::json::serialize(to_json(node));
}

}  // namespace blazed::config::values
