// Owns JSON string escaping for hand-built JSON text (log lines, metrics labels).
#pragma once

#include <string>
#include <string_view>

namespace blazed {

// Appends `text` to `out` escaped for use inside a JSON string literal (quotes not added).
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace blazed
