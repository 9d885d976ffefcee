// Owns reading the test vectors out of docs/formats.md, so the tests check exactly what the
// document promises.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace blazed::testing {

using Vector = std::map<std::string, std::string>;

// Every ```vector block of docs/formats.md as its `name: value` lines; throws if the file
// cannot be read.
std::vector<Vector> doc_vectors();

// The vectors whose name starts with `prefix` ("envelope-", "legacy-").
std::vector<Vector> doc_vectors(const std::string& prefix);

}  // namespace blazed::testing
