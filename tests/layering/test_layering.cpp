// Owns the check that the code keeps the layering written in docs/architecture.md: every library
// folder is listed there, includes only from the layers its row allows, and links (in its own
// CMakeLists.txt) every library it includes from.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path root = BLAZED_SOURCE_DIR;

struct Layer {
  std::string folder;   // relative to the repository root, e.g. "daemon/queue" or "jobs"
  std::set<std::string> libraries;  // its CMake targets, e.g. "blazed_queue"
  std::set<std::string> may_include;  // layer names (see layer_of)
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" `\t");
  const auto e = s.find_last_not_of(" `\t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The layer an include path or a folder belongs to: "jobs/<duty>" for a duty's files, "jobs"
// for the files directly under jobs/, "config", else the folder under daemon/ ("queue", ...).
std::string layer_of_include(const std::string& include) {
  const auto slash = include.find('/');
  if (slash == std::string::npos) return "";
  const std::string first = include.substr(0, slash);
  if (first != "jobs") return first;
  const auto second = include.find('/', slash + 1);
  return second == std::string::npos ? "jobs" : include.substr(0, second);
}
std::string layer_of_folder(const std::string& folder) {
  if (folder.rfind("daemon/", 0) == 0) return folder.substr(7);
  return folder;
}

// "a, b, `c`" as {"a", "b", "c"}; "nothing" is the empty list.
std::set<std::string> comma_list(const std::string& cell) {
  std::set<std::string> items;
  std::istringstream names(cell);
  std::string name;
  while (std::getline(names, name, ',')) {
    name = trim(name);
    if (!name.empty() && name != "nothing") items.insert(name);
  }
  return items;
}

// The table between "<!-- layers:begin -->" and "<!-- layers:end -->" in docs/architecture.md:
// | folder | libraries | may include |, the last two comma lists (or "nothing").
std::vector<Layer> read_layers() {
  const std::string doc = read_file(root / "docs/architecture.md");
  const auto b = doc.find("<!-- layers:begin -->");
  const auto e = doc.find("<!-- layers:end -->");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  std::vector<Layer> layers;
  std::istringstream lines(doc.substr(b, e - b));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| `", 0) != 0) continue;  // header and separator rows start otherwise
    std::vector<std::string> cells;
    std::istringstream cs(line.substr(1));
    std::string cell;
    while (std::getline(cs, cell, '|')) cells.push_back(trim(cell));
    REQUIRE(cells.size() >= 3);
    Layer layer{cells[0], comma_list(cells[1]), comma_list(cells[2])};
    layers.push_back(std::move(layer));
  }
  return layers;
}

bool is_source(const fs::path& p) { return p.extension() == ".cpp" || p.extension() == ".hpp"; }

// The folders that hold C++ sources (one library each), relative to the root.
std::set<std::string> source_folders() {
  std::set<std::string> folders;
  for (const char* top : {"daemon", "jobs", "config"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
      if (!entry.is_regular_file() || !is_source(entry.path())) continue;
      const auto rel = fs::relative(entry.path().parent_path(), root).generic_string();
      if (rel != "daemon") folders.insert(rel);  // daemon/main.cpp belongs to the app's executable
    }
  }
  return folders;
}

// Every blazed_* target named in a target_link_libraries() of the folder's CMakeLists.txt.
std::set<std::string> linked_libraries(const std::string& folder) {
  const std::string text = read_file(root / folder / "CMakeLists.txt");
  std::set<std::string> linked;
  static const std::regex call(R"(target_link_libraries\s*\(([^)]*)\))");
  static const std::regex name(R"(\bblazed_[a-z0-9_]+)");
  for (std::sregex_iterator it(text.begin(), text.end(), call), end; it != end; ++it) {
    const std::string args = (*it)[1];
    for (std::sregex_iterator n(args.begin(), args.end(), name); n != end; ++n) linked.insert(n->str());
  }
  return linked;
}

}  // namespace

TEST_CASE("every source folder is a layer of docs/architecture.md", "[unit]") {
  const auto layers = read_layers();
  std::set<std::string> listed;
  for (const auto& l : layers) listed.insert(l.folder);
  for (const auto& folder : source_folders()) {
    INFO("folder " << folder << " holds sources but has no row in docs/architecture.md's layer table");
    CHECK(listed.count(folder) == 1);
  }
  for (const auto& l : layers) {
    INFO("layer " << l.folder << " is listed but does not exist");
    CHECK(fs::is_directory(root / l.folder));
  }
}

TEST_CASE("includes go only where docs/architecture.md allows, and are linked", "[unit]") {
  const auto layers = read_layers();
  std::map<std::string, std::set<std::string>> libraries_of;  // layer name -> its libraries
  for (const auto& l : layers) libraries_of[layer_of_folder(l.folder)] = l.libraries;

  static const std::regex include(R"(^\s*#\s*include\s+"([^"]+)\")");
  for (const auto& l : layers) {
    const std::string self = layer_of_folder(l.folder);
    const auto linked = linked_libraries(l.folder);
    for (const auto& entry : fs::directory_iterator(root / l.folder)) {
      if (!entry.is_regular_file() || !is_source(entry.path())) continue;
      std::ifstream in(entry.path());
      std::string line;
      int number = 0;
      while (std::getline(in, line)) {
        ++number;
        std::smatch m;
        if (!std::regex_search(line, m, include)) continue;
        const std::string target = layer_of_include(m[1]);
        if (target.empty() || target == self || libraries_of.count(target) == 0) continue;
        const auto where = fs::relative(entry.path(), root).generic_string() + ":" +
                           std::to_string(number);
        if (l.may_include.count(target) == 0)
          FAIL_CHECK(where << " includes \"" << m[1] << "\": layer " << self << " may not use "
                           << target);
        const auto& libraries = libraries_of[target];
        const bool is_linked = std::any_of(libraries.begin(), libraries.end(),
                                           [&](const auto& lib) { return linked.count(lib) == 1; });
        if (!is_linked)
          FAIL_CHECK(where << " includes from " << target << " but " << l.folder
                           << "/CMakeLists.txt links none of its libraries");
      }
    }
  }
}
