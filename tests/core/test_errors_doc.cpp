// Owns the check that every declared error code is listed once in docs/errors.md under its
// folder, and that no source under config/, daemon/ or jobs/ builds an Error from a literal code.
// The codes are read from the errc.hpp files themselves, so a new folder's codes are checked
// without a line here.
#include "core/errc.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path root = BLAZED_SOURCE_DIR;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every `BLAZED_ERROR_CODES("domain", names...)` list in an errc.hpp under config/, daemon/ or jobs/.
struct Declared {
  std::string name;
  std::string domain;  // the folder whose errc.hpp declares it
};

std::vector<Declared> declared() {
  std::vector<Declared> codes;
  const std::regex list(R"re(BLAZED_ERROR_CODES\(\s*"([a-z0-9_/]+)",([^)]*)\))re");
  const std::regex name(R"([A-Za-z0-9_]+)");
  for (const char* top : {"config", "daemon", "jobs"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (entry.path().filename() != "errc.hpp") continue;
      const std::string text = read_file(entry.path());
      const std::string folder = fs::relative(entry.path().parent_path(), root).generic_string();
      auto lists = std::sregex_iterator(text.begin(), text.end(), list);
      INFO(entry.path().string());
      REQUIRE(std::distance(lists, std::sregex_iterator()) == 1);
      const std::smatch& m = *lists;
      CHECK(m[1] == folder);
      const std::string names = m[2];
      for (auto it = std::sregex_iterator(names.begin(), names.end(), name);
           it != std::sregex_iterator(); ++it)
        codes.push_back({it->str(), m[1]});
    }
  }
  REQUIRE(codes.size() > 100);  // the lists were found at all
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

TEST_CASE("BLAZED_ERROR_CODES declares each code with its own name and folder", "[errors]") {
  CHECK(blazed::errc::timeout.name == "timeout");
  CHECK(blazed::errc::timeout.domain == "daemon/core");
  CHECK(std::string("forbidden") == blazed::errc::forbidden);
}

TEST_CASE("error code names are unique and name their folder", "[errors]") {
  std::map<std::string, std::string> seen;
  for (const Declared& c : declared()) {
    INFO(c.name);
    CHECK(std::regex_match(c.name, std::regex("[a-z][a-z0-9_]*")));
    CHECK(seen.emplace(c.name, c.domain).second);
  }
}

TEST_CASE("docs/errors.md lists exactly the declared codes, each under its folder", "[errors]") {
  const auto doc = documented();
  std::map<std::string, std::string> code_folder;
  for (const Declared& c : declared()) code_folder[c.name] = c.domain;
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
  for (const char* top : {"config", "daemon", "jobs"}) {
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
