// Owns what the health endpoints answer (see routes.hpp).
#include "health/routes.hpp"

#include "core/redact.hpp"

#include <algorithm>
#include <cctype>

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

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "name", "name:port", "[v6]", "[v6]:port" -> the name or address alone.
std::string_view host_name(std::string_view host) {
  if (host.starts_with('[')) {
    auto close = host.find(']');
    return close == std::string_view::npos ? std::string_view{} : host.substr(1, close - 1);
  }
  auto colon = host.find(':');
  return colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos
             ? host.substr(0, colon)
             : host;
}

}  // namespace

bool host_allowed(std::string_view host, std::string_view listen, const std::vector<std::string>& allowed) {
  const std::string_view name = host_name(host);
  if (name.empty()) return false;
  for (std::string_view ok : {std::string_view("localhost"), std::string_view("127.0.0.1"),
                              std::string_view("::1"), listen})
    if (same_name(name, ok)) return true;
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& a) { return same_name(name, a); });
}

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
