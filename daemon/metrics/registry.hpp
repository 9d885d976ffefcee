// Owns the Prometheus metrics registry: counter, gauge and histogram families with labels,
// callback metrics computed at scrape time, and the text exposition (format 0.0.4).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace blazed::metrics {

using Labels = std::vector<std::string>;  // label values, in the order of the family's label names

// A monotonically increasing value. Lock-free; safe from any thread.
class Counter {
 public:
  void inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A value that goes up and down. Lock-free; safe from any thread.
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double by = 1.0) { value_.fetch_add(by, std::memory_order_relaxed); }
  void dec(double by = 1.0) { value_.fetch_sub(by, std::memory_order_relaxed); }
  [[nodiscard]] double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Observations sorted into cumulative buckets. A mutex keeps count, sum and buckets consistent
// with each other within one scrape.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double v);

  struct Snapshot {
    std::vector<double> upper_bounds;        // without +Inf
    std::vector<std::uint64_t> cumulative;   // one per bound, then one for +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  [[nodiscard]] Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mutex_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; last is +Inf
  double sum_ = 0;
  std::uint64_t count_ = 0;
};

// Seconds-scale buckets for durations, from 5 ms to 10 min.
std::vector<double> default_duration_buckets();

enum class Type { counter, gauge, histogram };

// A named metric with a fixed list of label names; `with(values)` returns the series for one
// set of label values, creating it on first use. References stay valid for the registry's life.
template <class Metric>
class Family {
 public:
  Family(std::vector<std::string> label_names, std::function<std::unique_ptr<Metric>()> make)
      : label_names_(std::move(label_names)), make_(std::move(make)) {}

  // Throws std::invalid_argument when the number of values differs from the label names
  // (a programming error, found by the first test that touches the call site).
  Metric& with(const Labels& values);
  // The series without labels (only for families declared without label names).
  Metric& get() { return with({}); }

  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls fn(label values, metric) for every series, ordered by label values.
  void for_each(const std::function<void(const Labels&, const Metric&)>& fn) const;

 private:
  std::vector<std::string> label_names_;
  std::function<std::unique_ptr<Metric>()> make_;
  mutable std::mutex mutex_;
  std::map<Labels, std::unique_ptr<Metric>> series_;
};

using CounterFamily = Family<Counter>;
using GaugeFamily = Family<Gauge>;
using HistogramFamily = Family<Histogram>;

// One sample of a callback metric.
struct Sample {
  Labels labels;
  double value = 0;
};
using SampleFn = std::function<std::vector<Sample>()>;

// The set of metrics one process exposes. Registration is idempotent: asking again for the same
// name with the same type and label names returns the same family; a conflicting re-registration
// or an invalid name throws std::invalid_argument (start-up programming errors). Thread-safe.
class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names = {});
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<double> upper_bounds,
                             std::vector<std::string> label_names = {});

  // A metric whose samples are computed by `fn` at each scrape (on the scraping thread, so `fn`
  // must be thread-safe and must not block; it runs under the registry's lock, so it must not
  // call into the registry). Type is counter or gauge. Replaces an earlier callback of the same
  // name.
  void callback(Type type, const std::string& name, const std::string& help,
                std::vector<std::string> label_names, SampleFn fn);
  // Shorthands for a single unlabelled value.
  void callback_gauge(const std::string& name, const std::string& help, std::function<double()> fn);
  void callback_counter(const std::string& name, const std::string& help,
                        std::function<double()> fn);

  // Drops a metric (e.g. a callback whose source is about to be destroyed). Returns false when
  // no metric has that name.
  bool remove(const std::string& name);

  // The whole registry in Prometheus text format 0.0.4, families ordered by name.
  [[nodiscard]] std::string expose() const;

  // The content type that goes with expose().
  static constexpr const char* content_type = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct Entry;
  Entry& declare(const std::string& name, const std::string& help, Type type,
                 const std::vector<std::string>& label_names, bool is_callback);
  template <class Metric>
  Family<Metric>& family(const std::string& name, const std::string& help, Type type,
                         std::vector<std::string> label_names,
                         std::function<std::unique_ptr<Metric>()> make);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace blazed::metrics
