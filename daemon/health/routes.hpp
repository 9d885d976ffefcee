// Owns what the health endpoints answer: maps a method and target to status, content type and
// body, independent of the connection handling.
#pragma once

#include "health/readiness.hpp"
#include "metrics/registry.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace blazed::health {

struct Answer {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string path_label;  // bounded label for metrics: the known path, or "other"
};

// Whether a request's Host header (name or address, optional port, any case) names this server:
// localhost, 127.0.0.1, ::1, the `listen` address, or one of `allowed`. A page served from
// another name that resolves to 127.0.0.1 (DNS rebinding) sends that name and is refused.
bool host_allowed(std::string_view host, std::string_view listen, const std::vector<std::string>& allowed);

// `method_is_get` is false for every method other than GET. The query string is ignored.
Answer answer(bool method_is_get, std::string_view target, const metrics::Registry& registry,
              const Readiness& readiness);

}  // namespace blazed::health
