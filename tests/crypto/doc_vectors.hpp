// Owns reading the test vectors out of the format documents (docs/formats.md, docs/backups.md),
// so the tests check exactly what the documents promise.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace blazed::testing {

using Vector = std::map<std::string, std::string>;

// Every ```vector block of `doc` (a path below the source tree, "docs/backups.md") as its
// `name: value` lines; throws if the file cannot be read or a line has no ':'.
std::vector<Vector> doc_vectors_in(const std::string& doc);
// Those of docs/formats.md.
std::vector<Vector> doc_vectors();

// The vectors whose name starts with `prefix` ("envelope-", "legacy-").
std::vector<Vector> doc_vectors(const std::string& prefix);

}  // namespace blazed::testing
