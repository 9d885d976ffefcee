// Owns the check that every declared error code is listed once in docs/errors.md under its
// folder, and that no source under daemon/ or jobs/ builds an Error from a literal code.
#include "control/errc.hpp"
#include "core/errc.hpp"
#include "crypto/errc.hpp"
#include "ctl/errc.hpp"
#include "http/errc.hpp"
#include "jobs/backup/errc.hpp"
#include "jobs/deletion/errc.hpp"
#include "jobs/keys/errc.hpp"
#include "jobs/purge/errc.hpp"
#include "jobs/sellers/errc.hpp"
#include "jobs/sync/errc.hpp"
#include "pg/errc.hpp"
#include "queue/errc.hpp"
#include "queue_ops/errc.hpp"
#include "ratelimit/errc.hpp"
#include "redis/errc.hpp"
#include "s3/errc.hpp"
#include "schedule/errc.hpp"
#include "spapi/errc.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using blazed::ErrorCode;

namespace {

const fs::path root = BLAZED_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

template <class Array>
void add(std::vector<ErrorCode>& codes, const Array& all) {
  codes.insert(codes.end(), all.begin(), all.end());
}

std::vector<ErrorCode> declared() {
  std::vector<ErrorCode> codes;
  add(codes, blazed::errc::all);
  add(codes, blazed::redis::errc::all);
  add(codes, blazed::pg::errc::all);
  add(codes, blazed::crypto::errc::all);
  add(codes, blazed::http::errc::all);
  add(codes, blazed::s3::errc::all);
  add(codes, blazed::queue::errc::all);
  add(codes, blazed::schedule::errc::all);
  add(codes, blazed::ratelimit::errc::all);
  add(codes, blazed::spapi::errc::all);
  add(codes, blazed::control::errc::all);
  add(codes, blazed::queue_ops::errc::all);
  add(codes, blazed::ctl::errc::all);
  add(codes, blazed::jobs::sellers::errc::all);
  add(codes, blazed::jobs::sync::errc::all);
  add(codes, blazed::jobs::keys::errc::all);
  add(codes, blazed::jobs::backup::errc::all);
  add(codes, blazed::jobs::purge::errc::all);
  add(codes, blazed::jobs::deletion::errc::all);
  return codes;
}

struct DocRow {
  std::string folder;  // from the section heading "## Title: `folder`"
  int rows = 0;
};

// code -> where docs/errors.md lists it, from rows "| `code` | meaning | action |".
std::map<std::string, DocRow> documented() {
  std::map<std::string, DocRow> out;
  std::istringstream doc(read_file(root / "docs" / "errors.md"));
  const std::regex heading(R"(^## .*`([a-z0-9_/]+)`\s*$)");
  const std::regex row(R"(^\| `([a-z0-9_]+)` \|([^|]+)\|([^|]+)\|\s*$)");
  std::string folder;
  std::string line;
  std::smatch m;
  while (std::getline(doc, line)) {
    if (std::regex_match(line, m, heading)) folder = m[1];
    else if (std::regex_match(line, m, row)) {
      INFO(line);
      CHECK(m[2].str().find_first_not_of(' ') != std::string::npos);
      CHECK(m[3].str().find_first_not_of(' ') != std::string::npos);
      DocRow& r = out[m[1]];
      r.folder = folder;
      ++r.rows;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("error code names are unique and name their folder", "[errors]") {
  std::map<std::string, std::string> seen;
  for (const ErrorCode& c : declared()) {
    INFO(c.name);
    CHECK(std::regex_match(std::string(c.name), std::regex("[a-z][a-z0-9_]*")));
    CHECK(fs::exists(root / std::string(c.domain) / "errc.hpp"));
    CHECK(seen.emplace(std::string(c.name), std::string(c.domain)).second);
  }
}

TEST_CASE("docs/errors.md lists exactly the declared codes, each under its folder", "[errors]") {
  const auto doc = documented();
  std::map<std::string, std::string> code_folder;
  for (const ErrorCode& c : declared()) code_folder[std::string(c.name)] = std::string(c.domain);
  for (const auto& [name, folder] : code_folder) {
    INFO("declared code " << name);
    auto it = doc.find(name);
    REQUIRE(it != doc.end());
    CHECK(it->second.rows == 1);
    CHECK(it->second.folder == folder);
  }
  for (const auto& [name, row] : doc) {
    INFO("documented code " << name);
    CHECK(code_folder.count(name) == 1);
  }
}

TEST_CASE("no source builds an Error from a literal code", "[errors]") {
  // A literal code would escape the declarations above and so this page.
  const std::regex literal(R"((Error\{|Error\(|make_error\()\s*"[a-z])");
  for (const char* top : {"daemon", "jobs"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      const auto ext = entry.path().extension();
      if (ext != ".cpp" && ext != ".hpp") continue;
      const std::string text = read_file(entry.path());
      std::smatch m;
      INFO(entry.path().string());
      CHECK_FALSE(std::regex_search(text, m, literal));
    }
  }
}
