// Owns the Prometheus metrics registry (see registry.hpp): families, callbacks and exposition.
#include "metrics/registry.hpp"

#include "metrics/exposition.hpp"

#include <algorithm>
#include <stdexcept>
#include <variant>

namespace blazed::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::observe(double v) {
  // Buckets are "less than or equal": v lands in the first bound >= v.
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  auto index = static_cast<std::size_t>(it - bounds_.begin());
  std::lock_guard lock(mutex_);
  ++counts_[index];
  sum_ += v;
  ++count_;
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.upper_bounds = bounds_;
  std::lock_guard lock(mutex_);
  std::uint64_t running = 0;
  for (auto c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.sum = sum_;
  s.count = count_;
  return s;
}

std::vector<double> default_duration_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};
}

template <class Metric>
Metric& Family<Metric>::with(const Labels& values) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument("metric family expects " + std::to_string(label_names_.size()) +
                                " label values, got " + std::to_string(values.size()));
  }
  std::lock_guard lock(mutex_);
  auto& slot = series_[values];
  if (!slot) slot = make_();
  return *slot;
}

template <class Metric>
void Family<Metric>::for_each(const std::function<void(const Labels&, const Metric&)>& fn) const {
  std::lock_guard lock(mutex_);
  for (const auto& [labels, metric] : series_) fn(labels, *metric);
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

struct Registry::Entry {
  std::string help;
  Type type;
  std::vector<std::string> label_names;
  std::variant<std::monostate, std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>, SampleFn>
      source;
};

Registry::Registry() = default;
Registry::~Registry() = default;

namespace {

const char* type_name(Type t) {
  switch (t) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

}  // namespace

Registry::Entry& Registry::declare(const std::string& name, const std::string& help, Type type,
                                   const std::vector<std::string>& label_names, bool is_callback) {
  if (!text::valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (const auto& l : label_names) {
    if (!text::valid_label_name(l) || (type == Type::histogram && l == "le")) {
      throw std::invalid_argument("invalid label name for " + name + ": " + l);
    }
  }
  auto& slot = entries_[name];
  if (slot) {
    bool was_callback = std::holds_alternative<SampleFn>(slot->source);
    if (slot->type != type || slot->label_names != label_names || was_callback != is_callback) {
      throw std::invalid_argument("metric " + name + " registered twice with different shapes");
    }
    return *slot;
  }
  slot = std::make_unique<Entry>(Entry{help, type, label_names, std::monostate{}});
  return *slot;
}

template <class Metric>
Family<Metric>& Registry::family(const std::string& name, const std::string& help, Type type,
                                 std::vector<std::string> label_names,
                                 std::function<std::unique_ptr<Metric>()> make) {
  std::lock_guard lock(mutex_);
  auto& e = declare(name, help, type, label_names, false);
  if (std::holds_alternative<std::monostate>(e.source)) {
    e.source = std::make_unique<Family<Metric>>(std::move(label_names), std::move(make));
  }
  return *std::get<std::unique_ptr<Family<Metric>>>(e.source);
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> label_names) {
  return family<Counter>(name, help, Type::counter, std::move(label_names),
                         [] { return std::make_unique<Counter>(); });
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names) {
  return family<Gauge>(name, help, Type::gauge, std::move(label_names),
                       [] { return std::make_unique<Gauge>(); });
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<double> upper_bounds,
                                     std::vector<std::string> label_names) {
  if (upper_bounds.empty() || !std::is_sorted(upper_bounds.begin(), upper_bounds.end()) ||
      std::adjacent_find(upper_bounds.begin(), upper_bounds.end()) != upper_bounds.end()) {
    throw std::invalid_argument("histogram " + name + " needs strictly increasing buckets");
  }
  return family<Histogram>(name, help, Type::histogram, std::move(label_names),
                           [b = std::move(upper_bounds)] { return std::make_unique<Histogram>(b); });
}

void Registry::callback(Type type, const std::string& name, const std::string& help,
                        std::vector<std::string> label_names, SampleFn fn) {
  if (type == Type::histogram) throw std::invalid_argument("callback histograms are not supported");
  std::lock_guard lock(mutex_);
  auto& e = declare(name, help, type, label_names, true);
  e.help = help;
  e.source = std::move(fn);
}

void Registry::callback_gauge(const std::string& name, const std::string& help,
                              std::function<double()> fn) {
  callback(Type::gauge, name, help, {}, [f = std::move(fn)] { return std::vector<Sample>{{{}, f()}}; });
}

void Registry::callback_counter(const std::string& name, const std::string& help,
                                std::function<double()> fn) {
  callback(Type::counter, name, help, {},
           [f = std::move(fn)] { return std::vector<Sample>{{{}, f()}}; });
}

bool Registry::remove(const std::string& name) {
  std::lock_guard lock(mutex_);
  return entries_.erase(name) > 0;
}

namespace {

void append_sample(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const Labels& values, double v) {
  out += name;
  text::append_labels(out, names, values);
  out += ' ';
  text::append_value(out, v);
  out += '\n';
}

void append_histogram(std::string& out, const std::string& name,
                      const std::vector<std::string>& names, const Labels& values,
                      const Histogram& h) {
  auto s = h.snapshot();
  std::string le;
  for (std::size_t i = 0; i <= s.upper_bounds.size(); ++i) {
    le.clear();
    if (i < s.upper_bounds.size()) {
      text::append_value(le, s.upper_bounds[i]);
    } else {
      le = "+Inf";
    }
    out += name;
    out += "_bucket";
    text::append_labels(out, names, values, "le", le);
    out += ' ';
    out += std::to_string(s.cumulative[i]);
    out += '\n';
  }
  append_sample(out, name + "_sum", names, values, s.sum);
  out += name + "_count";
  text::append_labels(out, names, values);
  out += ' ' + std::to_string(s.count) + '\n';
}

}  // namespace

std::string Registry::expose() const {
  // Callbacks run under the registry lock so that remove() cannot race a running callback
  // (a component removes its callbacks before it goes away).
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, e] : entries_) {
    out += "# HELP " + name + ' ';
    text::append_help(out, e->help);
    out += "\n# TYPE " + name + ' ' + type_name(e->type) + '\n';
    std::visit(
        [&](const auto& src) {
          using S = std::decay_t<decltype(src)>;
          if constexpr (std::is_same_v<S, SampleFn>) {
            for (const auto& sample : src()) {
              append_sample(out, name, e->label_names, sample.labels, sample.value);
            }
          } else if constexpr (std::is_same_v<S, std::unique_ptr<HistogramFamily>>) {
            src->for_each([&](const Labels& l, const Histogram& h) {
              append_histogram(out, name, e->label_names, l, h);
            });
          } else if constexpr (!std::is_same_v<S, std::monostate>) {
            src->for_each([&](const Labels& l, const auto& m) {
              append_sample(out, name, e->label_names, l, m.value());
            });
          }
        },
        e->source);
  }
  return out;
}

}  // namespace blazed::metrics
