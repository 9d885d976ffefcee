// Owns the health HTTP server: GET /healthz, /readyz and /metrics on a loopback address, with
// bounded requests, header timeouts, a Host check, and limits on connections and on requests per
// connection.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "health/readiness.hpp"
#include "metrics/registry.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>

namespace blazed::health {

// Internal limits (not configuration): a probe's request is a few hundred bytes.
struct HttpLimits {
  std::size_t max_request_bytes = 8 * 1024;     // request line + headers; larger -> 431
  config::Duration header_timeout{5'000};       // a whole request must arrive within this
  config::Duration keep_alive_timeout{30'000};  // idle time between requests
  int max_connections = 64;                     // further connections are closed at once
  int max_requests_per_connection = 100;        // then the answer says Connection: close
};

// Not thread-safe: lives on the executor given here; call start() and stop() on it (or before
// the io_context runs). `registry` and `readiness` must outlive the io_context's work. Responses:
//   GET /healthz -> 200 "ok" (answered by the event loop itself, so an answer proves it turns)
//   GET /readyz  -> 200 when every readiness check passes, else 503; the body lists each check
//   GET /metrics -> 200, Prometheus text format 0.0.4
//   other paths 404, other methods 405, malformed 400, oversized headers 431, a Host header that
//   names neither a loopback name, health.listen nor health.allowed_hosts 403.
class HealthServer {
 public:
  HealthServer(boost::asio::any_io_executor executor, config::HealthConfig cfg,
               metrics::Registry& registry, const Readiness& readiness, HttpLimits limits = {});
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Binds and starts accepting; does nothing when cfg.enabled is false. Errors: "bad_config"
  // (listen is not an IP address), "bind".
  Status start();
  // Closes the listener and every connection. Idempotent.
  void stop();

  // The bound port (the ephemeral one when cfg.port is 0); 0 before start() or when disabled.
  [[nodiscard]] std::uint16_t port() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace blazed::health
