// Owns the list-of-mapping readers: one generic walk over items and fields, and the field tables
// of schedules and rate-limit plans.
#include "config/items.hpp"

#include "core/errc.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string_view>

namespace blazed::config::values {
namespace {

template <class T>
struct Field {
  std::string_view name;
  bool required;
  std::function<Status(T&, const YAML::Node&)> read;
};

template <class T, class V, class Read>
Field<T> field(std::string_view name, bool required, V T::*member, Read read) {
  return {name, required, [member, read](T& item, const YAML::Node& n) -> Status {
            auto v = read(n);
            if (!v) return v.error();
            item.*member = std::move(*v);
            return {};
          }};
}

template <class T>
ValueResult<std::vector<T>> read_items(const YAML::Node& node, const std::vector<Field<T>>& fields) {
  if (!node.IsSequence())
    return ValueError(make_error(blazed::errc::bad_config, "expected a list of mappings"));
  std::vector<T> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const YAML::Node item = node[i];
    std::string at = "[" + std::to_string(i) + "]";
    if (!item.IsMap()) return ValueError(at, item.Mark().line, "expected a mapping");
    T value;
    std::set<std::string, std::less<>> seen;
    for (const auto& kv : item) {
      const std::string& key = kv.first.Scalar();
      auto f = std::find_if(fields.begin(), fields.end(), [&](const Field<T>& x) { return x.name == key; });
      if (f == fields.end()) return ValueError(at + "." + key, kv.first.Mark().line, "unknown key");
      if (!seen.insert(key).second)
        return ValueError(at + "." + key, kv.first.Mark().line, "appears twice");
      if (auto st = f->read(value, kv.second); !st)
        return ValueError(at + "." + key, kv.second.Mark().line, st.error().message);
    }
    for (const auto& f : fields)
      if (f.required && !seen.contains(f.name))
        return ValueError(at + "." + std::string(f.name), item.Mark().line, "is required");
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

ValueResult<std::vector<ScheduleConfig>> as_schedule_list(const YAML::Node& node) {
  using S = ScheduleConfig;
  static const std::vector<Field<S>> fields = {
      field("name", true, &S::name, as_nonempty_string),
      field("cron", true, &S::cron, as_nonempty_string),
      field("zone", false, &S::zone, as_string),
      field("job", true, &S::job, as_nonempty_string),
      field("queue", false, &S::queue, as_nonempty_string),
      field("payload", false, &S::payload, as_json_object),
      field("group", false, &S::group, as_string),
  };
  return read_items(node, fields);
}

ValueResult<std::vector<RateLimitPlanConfig>> as_plan_list(const YAML::Node& node) {
  using P = RateLimitPlanConfig;
  static const std::vector<Field<P>> fields = {
      field("operation", true, &P::operation, as_nonempty_string),
      field("rate", true, &P::rate, [](const YAML::Node& n) { return as_number(n, 0.000001, 1000); }),
      field("burst", true, &P::burst, [](const YAML::Node& n) { return as_integer(n, 1, 1'000'000); }),
  };
  return read_items(node, fields);
}

static Result<std::string> as_addressing(const YAML::Node& n) {
  auto s = as_string(n);
  if (s && (*s == "auto" || *s == "path" || *s == "virtual")) return s;
  return make_error(blazed::errc::bad_config, "expected auto, path or virtual");
}

ValueResult<std::vector<BackupTargetConfig>> as_backup_target_list(const YAML::Node& node) {
  using T = BackupTargetConfig;
  static const std::vector<Field<T>> fields = {
      field("name", false, &T::name, as_nonempty_string),
      field("bucket", true, &T::bucket, as_nonempty_string),
      field("region", true, &T::region, as_nonempty_string),
      field("endpoint", false, &T::endpoint, as_string),
      field("credentials", false, &T::credentials, as_secret_ref),
      field("addressing", false, &T::addressing, as_addressing),
      field("prefix", false, &T::prefix, as_string),
      field("allow_plain_http", false, &T::allow_plain_http, as_bool),
  };
  auto targets = read_items(node, fields);
  if (!targets) return targets;
  std::set<std::string, std::less<>> names;
  for (std::size_t i = 0; i < targets->size(); ++i) {
    auto& t = (*targets)[i];
    if (t.name.empty()) t.name = t.bucket;
    if (!names.insert(t.name).second)
      return ValueError("[" + std::to_string(i) + "].name", -1, "names a target twice");
  }
  return targets;
}

}  // namespace blazed::config::values
