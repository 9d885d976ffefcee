// Tests docs/monitoring/metrics.md, the one table of metrics: against the /metrics of a running
// blazed (every metric exposed is a row of the same type and labels, every row is exposed), and
// against docs/monitoring/alerts.yml (an alert a row names reads that metric; a metric an alert
// reads is a row naming that alert).
#include "harness/daemon_env.hpp"
#include "harness/daemon_process.hpp"
#include "harness/eventually.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace blazed::testing;
using namespace std::chrono_literals;

namespace {

const std::string kDir = BLAZED_SOURCE_DIR "/docs/monitoring/";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string trimmed(std::string s) {
  const auto first = s.find_first_not_of(" `");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" `");
  return s.substr(first, last - first + 1);
}

// "a, `b`" -> {a, b}; "—" -> {}.
std::set<std::string> names_in(const std::string& cell) {
  std::set<std::string> out;
  std::stringstream s(cell);
  for (std::string item; std::getline(s, item, ',');)
    if (auto name = trimmed(item); !name.empty() && name != "—") out.insert(name);
  return out;
}

struct Row {
  std::string type;
  std::set<std::string> labels;
  std::set<std::string> alerts;
};

// The rows between the metrics:begin and metrics:end markers: | metric | type | labels | meaning | alert |
std::map<std::string, Row> documented() {
  std::map<std::string, Row> rows;
  std::stringstream doc(read_text(kDir + "metrics.md"));
  bool inside = false;
  for (std::string line; std::getline(doc, line);) {
    if (line == "<!-- metrics:begin -->") inside = true;
    if (line == "<!-- metrics:end -->") inside = false;
    if (!inside || !line.starts_with("| `")) continue;
    std::vector<std::string> cells;
    std::stringstream s(line.substr(1));
    for (std::string cell; std::getline(s, cell, '|');) cells.push_back(cell);
    INFO(line);
    REQUIRE(cells.size() == 5);
    const std::string name = trimmed(cells[0]);
    CHECK(rows.count(name) == 0);  // one row per metric
    rows[name] = Row{trimmed(cells[1]), names_in(cells[2]), names_in(cells[4])};
  }
  return rows;
}

struct Exposed {
  std::string type;
  std::vector<std::set<std::string>> label_sets;  // the label names of each sample
};

// The families of a scrape: `# TYPE` lines, and each sample's label names under its family (a
// histogram's _bucket/_sum/_count under the histogram, without the bucket's `le`).
std::map<std::string, Exposed> exposed(const std::string& body) {
  std::map<std::string, Exposed> out;
  static const std::regex type_line(R"(^# TYPE (\S+) (\S+)$)");
  static const std::regex label(R"(([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*")");
  std::stringstream s(body);
  for (std::string line; std::getline(s, line);) {
    std::smatch m;
    if (std::regex_match(line, m, type_line)) {
      out[m[1].str()].type = m[2].str();
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find_first_of("{ "));
    bool bucket = false;
    if (out.count(name) == 0) {
      for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        if (name.ends_with(suffix)) {
          bucket = suffix == "_bucket";
          name.resize(name.size() - suffix.size());
          break;
        }
      }
    }
    std::set<std::string> labels;
    const auto open = line.find('{');
    if (open != std::string::npos) {
      const std::string inside = line.substr(open, line.rfind('}') - open);
      for (std::sregex_iterator it(inside.begin(), inside.end(), label), end; it != end; ++it)
        if (!(bucket && (*it)[1] == "le")) labels.insert((*it)[1].str());
    }
    out[name].label_sets.push_back(std::move(labels));
  }
  return out;
}

// Each alert of alerts.yml and the blazed_* metrics its expr reads (a histogram's series under
// the histogram's name).
std::map<std::string, std::set<std::string>> alerts_reading() {
  std::map<std::string, std::set<std::string>> out;
  static const std::regex alert_line(R"(^\s*- alert: (\S+)\s*$)");
  static const std::regex metric(R"(blazed_[a-z0-9_]*[a-z0-9])");
  std::stringstream yml(read_text(kDir + "alerts.yml"));
  std::string alert;
  std::size_t expr_indent = std::string::npos;  // npos: not inside an expr
  for (std::string line; std::getline(yml, line);) {
    std::smatch m;
    if (std::regex_match(line, m, alert_line)) {
      alert = m[1].str();
      out[alert];
      expr_indent = std::string::npos;
      continue;
    }
    const auto indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    if (line.compare(indent, 5, "expr:") == 0) {
      expr_indent = indent;
    } else if (expr_indent == std::string::npos || indent <= expr_indent) {
      expr_indent = std::string::npos;
      continue;
    }
    for (std::sregex_iterator it(line.begin(), line.end(), metric), end; it != end; ++it) {
      std::string name = (*it)[0].str();
      for (std::string_view suffix : {"_bucket", "_sum", "_count"})
        if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
      out[alert].insert(name);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("every metric a running blazed exposes is in docs/monitoring/metrics.md, and only those",
          "[e2e]") {
  const auto rows = documented();
  REQUIRE(rows.size() > 50);

  DaemonEnv env;
  DaemonProcess daemon(kBlazedBinary, {"--config", env.write_config().string()}, env.dir().path());
  REQUIRE(daemon.wait_for_notify("READY=1"));
  INFO(daemon.output());
  // Some duties register their families from background work started with the daemon: wait
  // until every documented family is there (what is still missing then is reported below).
  std::map<std::string, Exposed> scrape;
  (void)eventually([&] {
    scrape = exposed(http_get(env.health_port(), "/metrics").body);
    for (const auto& [name, row] : rows)
      if (scrape.count(name) == 0) return false;
    return true;
  }, 30s);

  for (const auto& [name, family] : scrape) {
    INFO("exposed: " << name);
    const auto row = rows.find(name);
    if (row == rows.end()) {
      FAIL_CHECK("exposed but not in docs/monitoring/metrics.md");
      continue;
    }
    CHECK(family.type == row->second.type);
    for (const auto& labels : family.label_sets) CHECK(labels == row->second.labels);
  }
  for (const auto& [name, row] : rows) {
    INFO("documented: " << name);
    CHECK(scrape.count(name) == 1);
  }
}

TEST_CASE("the alerts of docs/monitoring/alerts.yml and the table agree on what each reads", "[e2e]") {
  const auto rows = documented();
  const auto alerts = alerts_reading();
  REQUIRE(alerts.size() > 10);
  for (const auto& [name, row] : rows) {
    for (const auto& alert : row.alerts) {
      INFO(name << " names alert " << alert);
      const auto it = alerts.find(alert);
      REQUIRE(it != alerts.end());
      CHECK(it->second.count(name) == 1);
    }
  }
  for (const auto& [alert, metrics] : alerts) {
    for (const auto& name : metrics) {
      INFO("alert " << alert << " reads " << name);
      const auto row = rows.find(name);
      REQUIRE(row != rows.end());
      CHECK(row->second.alerts.count(alert) == 1);
    }
  }
}
