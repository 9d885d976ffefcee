// Owns reading the signing test vectors (tests/s3/vectors): a vector file's bytes and a
// request target's query as the signer's parameters.
#pragma once

#include "s3/sigv4.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::testing {

// The whole file; REQUIREs that it can be read.
std::string slurp(const std::filesystem::path& path);

// "a=1&b=%2F&flag" (the part after '?') as decoded name/value pairs, in order; a name
// without '=' has an empty value.
std::vector<s3::QueryParam> parse_query(std::string_view query);

}  // namespace blazed::testing
