// Tests the metrics registry: exact text exposition, label escaping, histograms, callbacks,
// registration rules and the process metrics.
#include "metrics/process_metrics.hpp"
#include "metrics/registry.hpp"

#include "core/redact.hpp"
#include "core/secret.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <thread>

using namespace blazed::metrics;

TEST_CASE("counters and gauges expose HELP, TYPE and samples ordered by name and labels", "[unit]") {
  Registry r;
  auto& req = r.counter("blazed_requests_total", "Requests served.", {"path", "code"});
  req.with({"/metrics", "200"}).inc();
  req.with({"/metrics", "200"}).inc(2);
  req.with({"/healthz", "200"}).inc();
  r.gauge("blazed_connections", "Open connections.").get().set(3);
  r.gauge("blazed_temperature", "Can go negative.").get().dec(0.5);

  CHECK(r.expose() ==
        "# HELP blazed_connections Open connections.\n"
        "# TYPE blazed_connections gauge\n"
        "blazed_connections 3\n"
        "# HELP blazed_requests_total Requests served.\n"
        "# TYPE blazed_requests_total counter\n"
        "blazed_requests_total{path=\"/healthz\",code=\"200\"} 1\n"
        "blazed_requests_total{path=\"/metrics\",code=\"200\"} 3\n"
        "# HELP blazed_temperature Can go negative.\n"
        "# TYPE blazed_temperature gauge\n"
        "blazed_temperature -0.5\n");
}

TEST_CASE("label values and HELP text are escaped", "[unit]") {
  Registry r;
  r.counter("x_total", "Line one\nback\\slash \"quotes\" stay", {"v"})
      .with({"a\"b\\c\nd"})
      .inc();
  CHECK(r.expose() ==
        "# HELP x_total Line one\\nback\\\\slash \"quotes\" stay\n"
        "# TYPE x_total counter\n"
        "x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n");
}

TEST_CASE("a label value that holds a secret, a token or an e-mail address is never exported", "[unit]") {
  // A canary with a quote, a backslash and a newline: each escaped differently in the exposition.
  const std::string canary = "la\"bel\\sec\nret-canary-77";
  blazed::register_secret(blazed::Secret(canary));
  Registry r;
  auto& family = r.counter("x_total", "Labelled.", {"v"});
  family.with({canary}).inc();
  family.with({"Atzr|IwEBIcanaryRefreshToken0123456789"}).inc();
  family.with({"Atzr%7CIwEBIcanaryPercentEncoded0123456789"}).inc();
  family.with({"buyer-canary@marketplace.amazon.com"}).inc();
  family.with({"orders"}).inc();
  r.callback(Type::gauge, "y", "Computed.", {"v"}, [&] {
    return std::vector<Sample>{{{"prefix " + canary + " suffix"}, 1}};
  });
  const std::string text = r.expose();
  for (const std::string part : {"canary", "IwEBI", "Atzr", "marketplace.amazon.com", "sec\\nret"}) {
    CAPTURE(part);
    CHECK(text.find(part) == std::string::npos);
  }
  CHECK(text.find("x_total{v=\"orders\"} 1") != std::string::npos);
  CHECK(text.find("[redacted]") != std::string::npos);
  blazed::forget_registered_secrets();
}

TEST_CASE("special values are spelled as Prometheus does", "[unit]") {
  Registry r;
  r.gauge("g", "h", {"k"}).with({"inf"}).set(std::numeric_limits<double>::infinity());
  r.gauge("g", "h", {"k"}).with({"minf"}).set(-std::numeric_limits<double>::infinity());
  r.gauge("g", "h", {"k"}).with({"nan"}).set(std::numeric_limits<double>::quiet_NaN());
  r.gauge("g", "h", {"k"}).with({"small"}).set(1e-9);
  r.gauge("g", "h", {"k"}).with({"big"}).set(12345678901234.0);
  CHECK(r.expose() ==
        "# HELP g h\n# TYPE g gauge\n"
        "g{k=\"big\"} 12345678901234\n"
        "g{k=\"inf\"} +Inf\n"
        "g{k=\"minf\"} -Inf\n"
        "g{k=\"nan\"} NaN\n"
        "g{k=\"small\"} 1e-09\n");
}

TEST_CASE("histograms expose cumulative buckets, +Inf, sum and count", "[unit]") {
  Registry r;
  auto& h = r.histogram("job_seconds", "Job durations.", {0.1, 1, 2.5}, {"queue"});
  for (double v : {0.05, 0.1, 0.5, 3.0}) h.with({"sync"}).observe(v);
  CHECK(r.expose() ==
        "# HELP job_seconds Job durations.\n"
        "# TYPE job_seconds histogram\n"
        "job_seconds_bucket{queue=\"sync\",le=\"0.1\"} 2\n"
        "job_seconds_bucket{queue=\"sync\",le=\"1\"} 3\n"
        "job_seconds_bucket{queue=\"sync\",le=\"2.5\"} 3\n"
        "job_seconds_bucket{queue=\"sync\",le=\"+Inf\"} 4\n"
        "job_seconds_sum{queue=\"sync\"} 3.65\n"
        "job_seconds_count{queue=\"sync\"} 4\n");
}

TEST_CASE("callback metrics are computed at each scrape and can be removed", "[unit]") {
  Registry r;
  int depth = 1;
  r.callback(Type::gauge, "queue_depth", "Jobs waiting.", {"queue"}, [&] {
    return std::vector<Sample>{{{"a"}, static_cast<double>(depth)}, {{"b"}, 7}};
  });
  r.callback_counter("ticks_total", "Ticks.", [&] { return depth * 10.0; });
  CHECK(r.expose() ==
        "# HELP queue_depth Jobs waiting.\n# TYPE queue_depth gauge\n"
        "queue_depth{queue=\"a\"} 1\nqueue_depth{queue=\"b\"} 7\n"
        "# HELP ticks_total Ticks.\n# TYPE ticks_total counter\nticks_total 10\n");
  depth = 5;
  CHECK(r.expose().find("queue_depth{queue=\"a\"} 5\n") != std::string::npos);
  CHECK(r.remove("queue_depth"));
  CHECK_FALSE(r.remove("queue_depth"));
  CHECK(r.expose() == "# HELP ticks_total Ticks.\n# TYPE ticks_total counter\nticks_total 50\n");
}

TEST_CASE("registration is idempotent and rejects conflicts and bad names", "[unit]") {
  Registry r;
  auto& a = r.counter("c_total", "h", {"x"});
  CHECK(&a == &r.counter("c_total", "h", {"x"}));
  CHECK(&a.with({"1"}) == &a.with({"1"}));
  CHECK_THROWS_AS(r.gauge("c_total", "h", {"x"}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("c_total", "h", {"y"}), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("9bad", "h"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("bad-name", "h"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ok_total", "h", {"__reserved"}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h_seconds", "h", {1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h2_seconds", "h", {1}, {"le"}), std::invalid_argument);
  CHECK_THROWS_AS(a.with({"1", "2"}), std::invalid_argument);
}

TEST_CASE("counters are safe to increment from many threads", "[unit]") {
  Registry r;
  auto& c = r.counter("n_total", "h", {"t"});
  auto& h = r.histogram("d_seconds", "h", {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.with({std::to_string(t % 2)}).inc();
        h.get().observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(c.with({"0"}).value() == 20000);
  CHECK(c.with({"1"}).value() == 20000);
  CHECK(h.get().snapshot().count == 40000);
}

TEST_CASE("process metrics read plausible values from /proc", "[unit]") {
  auto s = read_process_stats();
  REQUIRE(s.resident_memory_bytes);
  CHECK(*s.resident_memory_bytes > 0);
  REQUIRE(s.open_fds);
  CHECK(*s.open_fds >= 3);  // stdin, stdout, stderr at least
  REQUIRE(s.start_time_seconds);
  CHECK(*s.start_time_seconds > 1.6e9);
  REQUIRE(s.cpu_seconds);
  CHECK(*s.cpu_seconds >= 0);

  Registry r;
  register_process_metrics(r, "1.2.3");
  auto text = r.expose();
  for (const char* name : {"process_resident_memory_bytes ", "process_cpu_seconds_total ",
                           "process_open_fds ", "process_start_time_seconds ",
                           "# TYPE process_cpu_seconds_total counter\n",
                           "blazed_build_info{version=\"1.2.3\"} 1\n"}) {
    CHECK(text.find(name) != std::string::npos);
  }
}
