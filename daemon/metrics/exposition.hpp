// Owns the lexical rules of the Prometheus text format 0.0.4: name validation, value formatting
// and the escaping of HELP text and label values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace blazed::metrics::text {

// [a-zA-Z_:][a-zA-Z0-9_:]*
[[nodiscard]] bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not reserved (leading "__").
[[nodiscard]] bool valid_label_name(std::string_view name);

// Shortest text that reads back as the same double; +Inf, -Inf and NaN spelled as Prometheus does.
void append_value(std::string& out, double v);
// HELP text: backslash and newline escaped.
void append_help(std::string& out, std::string_view help);
// Label value: backslash, double quote and newline escaped.
void append_label_value(std::string& out, std::string_view value);

// Appends `{a="x",b="y"}` (nothing when there are no labels). `extra_name`/`extra_value`, when
// non-empty, add one more label at the end (the histogram's `le`).
void append_labels(std::string& out, const std::vector<std::string>& names,
                   const std::vector<std::string>& values, std::string_view extra_name = {},
                   std::string_view extra_value = {});

}  // namespace blazed::metrics::text
