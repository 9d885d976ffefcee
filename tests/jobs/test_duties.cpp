// Owns the checks on the list of duties: each names a doc page that exists (and the section it
// points at), names are unique, and a configured schedule replaces a duty's default of that name.
#include "jobs/duty.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

// GitHub's anchor of a heading: lower case, spaces to '-', punctuation but '-' and '_' dropped.
std::string anchor_of(std::string heading) {
  std::string out;
  for (char c : heading) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_') out += static_cast<char>(std::tolower(u));
    else if (c == ' ') out += '-';
  }
  return out;
}

std::set<std::string> anchors_in(const fs::path& page) {
  std::ifstream in(page);
  std::set<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '#') continue;
    out.insert(anchor_of(line.substr(line.find_first_not_of("# "))));
  }
  return out;
}

}  // namespace

TEST_CASE("every duty names a doc page that exists", "[unit][duties]") {
  const fs::path root = BLAZED_SOURCE_DIR;
  std::set<std::string> names;
  for (const auto& duty : blazed::jobs::duties()) {
    INFO("duty " << duty.name << ", doc " << duty.doc);
    CHECK(names.insert(duty.name).second);
    CHECK(fs::is_directory(root / "jobs" / duty.name));
    REQUIRE_FALSE(duty.doc.empty());
    const auto hash = duty.doc.find('#');
    const fs::path page = root / duty.doc.substr(0, hash);
    REQUIRE(fs::is_regular_file(page));
    if (hash != std::string::npos) CHECK(anchors_in(page).count(duty.doc.substr(hash + 1)) == 1);
  }
  CHECK(names.size() >= 4);
}

TEST_CASE("a configured schedule replaces a duty's default of the same name", "[unit][duties]") {
  blazed::jobs::Duty probe;
  probe.name = "probe";
  probe.schedules = {{"probe.hourly", "@hourly", "", "queue_probe", "default", "{}", ""}, {"probe.daily", "@daily", "", "queue_probe", "default", "{}", ""}};
  const std::vector<blazed::jobs::Duty> all{probe};
  const std::vector<blazed::config::ScheduleConfig> configured{{"probe.hourly", "@every 5m", "", "queue_probe", "default", "{}", ""}};
  auto merged = blazed::jobs::schedules_with_defaults(configured, all);
  REQUIRE(merged.size() == 2);
  CHECK(merged[0].name == "probe.hourly");
  CHECK(merged[0].cron == "@every 5m");
  CHECK(merged[1].name == "probe.daily");
}
