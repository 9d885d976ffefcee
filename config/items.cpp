// Owns the list-of-mapping readers: one generic walk over items and fields, and the field tables
// of schedules and rate-limit plans.
#include "config/items.hpp"

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
    return ValueError(make_error("bad_config", "expected a list of mappings"));
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

}  // namespace blazed::config::values
