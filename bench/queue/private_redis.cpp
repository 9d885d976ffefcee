// Owns starting the bench's own redis-server, plain or TLS-only with a throwaway PKI.
#include "private_redis.hpp"

#include "harness/free_port.hpp"

namespace blazed::bench {

PrivateRedis::PrivateRedis(bool tls) {
  if (!tls) {
    server_ = std::make_unique<testing::RedisServer>();
    url_ = server_->url();
    return;
  }
  pki_ = testing::make_test_pki(dir_.path(), "redis", {"localhost"}, {"127.0.0.1"});
  const std::uint16_t tls_port = testing::free_port();
  // TLS only: nothing listens on plain TCP, so neither side can fall back to it unnoticed.
  server_ = std::make_unique<testing::RedisServer>(std::vector<std::string>{
      "--port", "0", "--tls-port", std::to_string(tls_port), "--tls-cert-file",
      pki_.server_cert.string(), "--tls-key-file", pki_.server_key.string(),
      "--tls-ca-cert-file", pki_.ca_cert.string(), "--tls-auth-clients", "no"});
  url_ = "rediss://127.0.0.1:" + std::to_string(tls_port) + "/0";
}

std::string PrivateRedis::ca_file() const { return pki_.ca_cert.string(); }

}  // namespace blazed::bench
