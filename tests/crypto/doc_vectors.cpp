// Owns parsing the ```vector blocks of the format documents (docs/formats.md, docs/backups.md).
#include "doc_vectors.hpp"

#include <fstream>
#include <stdexcept>

namespace blazed::testing {

std::vector<Vector> doc_vectors_in(const std::string& doc) {
  std::ifstream in(std::string(BLAZED_SOURCE_DIR "/") + doc);
  if (!in) throw std::runtime_error("cannot read " + doc);
  std::vector<Vector> out;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line == "```vector") {
      inside = true;
      out.emplace_back();
    } else if (inside && line == "```") {
      inside = false;
    } else if (inside) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) throw std::runtime_error("vector line without ':': " + line);
      std::string value = line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.erase(0, 1);
      out.back()[line.substr(0, colon)] = value;
    }
  }
  return out;
}

std::vector<Vector> doc_vectors() { return doc_vectors_in("docs/formats.md"); }

std::vector<Vector> doc_vectors(const std::string& prefix) {
  std::vector<Vector> out;
  for (auto& v : doc_vectors())
    if (v["vector"].rfind(prefix, 0) == 0) out.push_back(v);
  return out;
}

}  // namespace blazed::testing
