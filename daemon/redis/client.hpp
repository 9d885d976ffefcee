// Owns RedisClient: one multiplexed, pipelined connection to Redis on the Asio event loop
// (plain TCP, TLS or a Unix socket; optionally found through Sentinel), with command timeouts,
// EVALSHA caching and reconnects.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/secret.hpp"
#include "redis/args.hpp"
#include "redis/endpoint.hpp"
#include "redis/reply.hpp"
#include "redis/script.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace blazed::redis {

using boost::asio::awaitable;

struct ClientStats {
  std::uint64_t commands = 0;    // commands written to Redis (handshakes included)
  std::uint64_t timeouts = 0;    // calls that failed with "timeout"
  std::uint64_t reconnects = 0;  // successful connections after the first
};

// Threading: the client and every caller run on the one executor given at construction (a
// single-threaded io_context or a strand). Nothing blocks that executor.
//
// Failures are values: "redis_unavailable" (not connected, or the connection dropped while the
// command was in flight: it may or may not have run), "timeout" (no answer within the command
// timeout; the late answer is discarded), "cancelled" (the awaiting coroutine was cancelled).
// A Redis error reply (WRONGTYPE, a Lua error...) is not a failure: it is a Reply of type error.
//
// Commands issued by many coroutines at once are pipelined on the one connection and answered
// in order. When a command times out, nothing was read since it was sent, and the link then
// stays silent for one more command timeout, the connection is considered dead and is dropped
// and re-established.
//
// Every (re)connect resolves the host name again without blocking the loop, or asks the
// sentinels for the master anew (redis+sentinel://) and checks with ROLE that it is the master.
// A READONLY error reply (the server was demoted by a failover) drops the connection so the
// next one finds the current master; the reply itself is returned to the caller as usual.
class RedisClient {
 public:
  using Executor = boost::asio::any_io_executor;
  using Duration = std::chrono::milliseconds;

  // Throws ErrorException("bad_config") on a malformed redis.url or unusable redis.tls_* files
  // (start-up only).
  // `password` is the resolved redis.password (AUTH [user] password on every connect).
  RedisClient(Executor executor, const config::RedisConfig& config,
              std::optional<Secret> password = std::nullopt);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Starts connecting, and reconnecting with capped exponential backoff whenever the connection
  // is lost, until stop(). Returns at once.
  void start();
  // Stops reconnecting and closes the connection; in-flight commands fail "redis_unavailable".
  void stop();

  // Connected and authenticated: commands can be sent.
  [[nodiscard]] bool connected() const noexcept;
  // Called on the client's executor with the new state on every change (readiness, metrics).
  void on_state_change(std::function<void(bool connected)> callback);
  // Waits until connected, or fails with "timeout" after `timeout`.
  awaitable<Status> wait_connected(Duration timeout);

  // One command with the configured command timeout, or the given one (blocking commands).
  awaitable<Result<Reply>> command(Args args);
  awaitable<Result<Reply>> command(Args args, Duration timeout);
  // Several commands written at once and answered in order; one timeout covers all of them.
  awaitable<Result<std::vector<Reply>>> pipeline(std::vector<Args> commands);
  // EVALSHA, falling back to EVAL when Redis answers NOSCRIPT. `call` is built by script.call().
  awaitable<Result<Reply>> eval(const Script& script, Args call);
  awaitable<Result<Reply>> eval(const Script& script, const std::vector<std::string_view>& keys,
                                const std::vector<std::string_view>& args);

  // Why the last connect attempt failed (TLS certificate rejected, no master...); nullopt once
  // connected.
  [[nodiscard]] std::optional<Error> last_connect_error() const;

  [[nodiscard]] ClientStats stats() const noexcept;
  [[nodiscard]] const Endpoint& endpoint() const noexcept;
  [[nodiscard]] Executor get_executor() const noexcept;

  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

// Converts a Redis error reply into an Error with code "redis_error" (for callers that treat
// it as a failure); other replies pass through.
Result<Reply> checked(Result<Reply> r);

}  // namespace blazed::redis
