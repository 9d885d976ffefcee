// Owns the bench's own redis-server: plain TCP on a free port, or TLS only (`--port 0`) with a
// throwaway CA and server certificate made at start, and how each side connects to it.
#pragma once

#include "harness/redis_server.hpp"
#include "harness/temp_dir.hpp"
#include "harness/test_pki.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace blazed::bench {

class PrivateRedis {
 public:
  explicit PrivateRedis(bool tls);

  // redis://127.0.0.1:PORT/0, or rediss://127.0.0.1:TLS_PORT/0 (the certificate names
  // 127.0.0.1 and localhost).
  [[nodiscard]] const std::string& url() const { return url_; }
  // The CA that signed the server's certificate (PEM); empty for plain TCP.
  [[nodiscard]] std::string ca_file() const;

 private:
  testing::TempDir dir_{"blazed-bench-redis"};
  testing::TestPki pki_;
  std::unique_ptr<testing::RedisServer> server_;
  std::string url_;
};

}  // namespace blazed::bench
