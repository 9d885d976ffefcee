// Owns what the health endpoints answer (see routes.hpp).
#include "health/routes.hpp"

#include "core/redact.hpp"

namespace blazed::health {
namespace {

std::string readiness_body(const std::vector<CheckOutcome>& outcomes, bool ready) {
  std::string body = ready ? "ready\n" : "not ready\n";
  for (const auto& o : outcomes) {
    body += o.name + ": " + (o.ok ? "ok" : "fail");
    if (!o.detail.empty()) body += " (" + redact(o.detail) + ")";
    body += '\n';
  }
  return body;
}

}  // namespace

Answer answer(bool method_is_get, std::string_view target, const metrics::Registry& registry,
              const Readiness& readiness) {
  auto path = target.substr(0, target.find('?'));
  Answer a;
  a.path_label = path == "/healthz" || path == "/readyz" || path == "/metrics" ? std::string(path)
                                                                               : "other";
  if (a.path_label == "other") {
    a.status = 404;
    a.body = "not found\n";
  } else if (!method_is_get) {
    a.status = 405;
    a.body = "method not allowed\n";
  } else if (path == "/healthz") {
    a.body = "ok\n";
  } else if (path == "/readyz") {
    auto outcomes = readiness.evaluate();
    bool ready = Readiness::all_ok(outcomes);
    a.status = ready ? 200 : 503;
    a.body = readiness_body(outcomes, ready);
  } else {
    a.content_type = metrics::Registry::content_type;
    a.body = registry.expose();
  }
  return a;
}

}  // namespace blazed::health
