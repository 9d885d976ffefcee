// Tests that every configuration key is documented in the example file and in
// docs/configuration.md, and that the example file itself loads.
#include "config/loader.hpp"
#include "config/schema.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace {
std::string slurp(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// True when `text` has the dotted key as nested YAML keys (indentation-aware enough for our file).
bool yaml_mentions(const std::string& text, std::string_view path) {
  std::size_t pos = 0;
  std::size_t indent = 0;
  while (true) {
    auto dot = path.find('.');
    std::string name(path.substr(0, dot));
    std::string needle = "\n" + std::string(indent, ' ') + name + ":";
    pos = text.find(needle, pos);
    if (pos == std::string::npos) return false;
    if (dot == std::string_view::npos) return true;
    path.remove_prefix(dot + 1);
    indent += 2;
  }
}
}  // namespace

TEST_CASE("the example config loads and names every key", "[unit]") {
  std::string path = BLAZED_SOURCE_DIR "/config/blazed.example.yaml";
  auto loaded = blazed::config::load_config_file(path);
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded.has_value());
  auto text = "\n" + slurp(path);
  for (const auto& key : blazed::config::schema()) {
    CAPTURE(key.path);
    CHECK(yaml_mentions(text, key.path));
  }
}

TEST_CASE("docs/configuration.md documents every key", "[unit]") {
  auto text = slurp(BLAZED_SOURCE_DIR "/docs/configuration.md");
  for (const auto& key : blazed::config::schema()) {
    CAPTURE(key.path);
    CHECK(text.find("`" + std::string(key.path) + "`") != std::string::npos);
  }
}
