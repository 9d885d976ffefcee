// Owns the little XML S3 speaks with us: finding the text of known elements in a response and
// escaping text for request bodies. Not a general XML parser: S3's answers are flat and known.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::s3::xml {

// The unescaped text of the first <tag>...</tag> in `doc`, if any.
std::optional<std::string> text(std::string_view doc, std::string_view tag);
// The raw inner XML of every <tag>...</tag> in `doc`, in order (not nested in each other).
std::vector<std::string_view> elements(std::string_view doc, std::string_view tag);
// The name of the document's root element ("Error", "ListBucketResult"...), or empty.
std::string root(std::string_view doc);

std::string escape(std::string_view text);
std::string unescape(std::string_view text);

}  // namespace blazed::s3::xml
