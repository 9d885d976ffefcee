// Owns building the rediss:// client context on top of the shared verifying one (http/tls).
#include "redis/tls.hpp"

#include "core/errc.hpp"
#include "http/errc.hpp"
#include "http/tls.hpp"

namespace blazed::redis {

namespace ssl = boost::asio::ssl;

Result<std::optional<ssl::context>> make_tls_context(const config::RedisConfig& config,
                                                     const Endpoint& endpoint) {
  const bool any_key = !config.tls_ca_file.empty() || !config.tls_cert_file.empty() ||
                       !config.tls_key_file.empty();
  if (!endpoint.tls) {
    if (any_key)
      return make_error(blazed::errc::bad_config,
                        "redis.tls_* is set but redis.url is not rediss:// or rediss+sentinel://");
    return std::optional<ssl::context>{};
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty())
    return make_error(blazed::errc::bad_config,
                      "redis.tls_cert_file and redis.tls_key_file go together (a client certificate needs its key)");
  auto ctx = http::make_tls_context(config.tls_ca_file);
  if (!ctx) return ctx.error().context("redis.tls_ca_file");
  if (!config.tls_cert_file.empty()) {
    boost::system::error_code ec;
    ctx->use_certificate_chain_file(config.tls_cert_file, ec);
    if (ec)
      return make_error(blazed::errc::bad_config,
                        "redis.tls_cert_file: cannot load " + config.tls_cert_file + ": " + ec.message());
    ctx->use_private_key_file(config.tls_key_file, ssl::context::pem, ec);
    if (ec)
      return make_error(blazed::errc::bad_config,
                        "redis.tls_key_file: cannot load " + config.tls_key_file + ": " + ec.message());
  }
  return std::optional<ssl::context>(std::move(*ctx));
}

bool is_certificate_rejection(const Error& connect_error) {
  return connect_error.code == http::errc::tls_verify_failed;
}

}  // namespace blazed::redis
