// Owns the TLS client context for rediss:// from redis.tls_* (CA file, client certificate and key).
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "redis/endpoint.hpp"

#include <boost/asio/ssl/context.hpp>

#include <optional>

namespace blazed::redis {

// nullopt for a plain endpoint. Fails "bad_config" when redis.tls_* is set for a plain endpoint,
// when only one of tls_cert_file and tls_key_file is set, or when a file cannot be loaded.
Result<std::optional<boost::asio::ssl::context>> make_tls_context(const config::RedisConfig& config,
                                                                  const Endpoint& endpoint);

// True when a connect attempt failed because the server's certificate was rejected (another CA
// than redis.tls_ca_file, or a name that is not the URL's host): every attempt fails the same way
// until the configuration changes.
[[nodiscard]] bool is_certificate_rejection(const Error& connect_error);

}  // namespace blazed::redis
