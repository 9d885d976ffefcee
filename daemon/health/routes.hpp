// Owns what the health endpoints answer: maps a method and target to status, content type and
// body, independent of the connection handling.
#pragma once

#include "health/readiness.hpp"
#include "metrics/registry.hpp"

#include <string>
#include <string_view>

namespace blazed::health {

struct Answer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string path_label;  // bounded label for metrics: the known path, or "other"
};

// `method_is_get` is false for every method other than GET. The query string is ignored.
Answer answer(bool method_is_get, std::string_view target, const metrics::Registry& registry,
              const Readiness& readiness);

}  // namespace blazed::health
