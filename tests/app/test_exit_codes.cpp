// Owns the checks on which start-up failures are permanent (exit 78) and which transient (69),
// including how each adapter tells a rejected server certificate from a service down.
#include "app/exit_codes.hpp"
#include "control/errc.hpp"
#include "core/errc.hpp"
#include "crypto/errc.hpp"
#include "http/errc.hpp"
#include "pg/errc.hpp"
#include "pg/errors.hpp"
#include "queue/errc.hpp"
#include "redis/errc.hpp"
#include "redis/tls.hpp"
#include "schedule/errc.hpp"

#include <catch2/catch.hpp>

using namespace blazed;

TEST_CASE("what only the operator can fix exits 78; a dependency that may come back exits 69",
          "[unit]") {
  for (const ErrorCode& code :
       {errc::bad_config, errc::bind, control::errc::socket_in_use, control::errc::socket_path,
        pg::errc::migration_checksum_mismatch, pg::errc::schema_behind, pg::errc::pg_runtime_role,
        queue::errc::bad_queue_name,
        schedule::errc::bad_time_zone, crypto::errc::keyring_missing_active,
        crypto::errc::keyring_insecure_file}) {
    INFO(code.name);
    CHECK(app::start_failure_exit_code(Error(code, "x")) == app::kExitConfig);
  }
  for (const ErrorCode& code : {pg::errc::pg_unavailable, redis::errc::redis_unavailable, errc::timeout}) {
    INFO(code.name);
    CHECK(app::start_failure_exit_code(Error(code, "x")) == app::kExitUnavailable);
  }
}

TEST_CASE("libpq's certificate rejections are told from PostgreSQL being down", "[unit]") {
  const auto unavailable = [](const std::string& m) { return Error(pg::errc::pg_unavailable, m); };
  for (const std::string& message :
       {std::string("connect: connection to server at \"127.0.0.1\", port 5432 failed: SSL error: "
                    "certificate verify failed"),
        std::string("connect: connection to server at \"127.0.0.1\", port 5432 failed: server "
                    "certificate for \"localhost\" does not match host name \"127.0.0.1\""),
        std::string("connect: connection to server at \"db\", port 5432 failed: root certificate "
                    "file \"/etc/blazed/missing.pem\" does not exist"),
        std::string("no host of the DSN could be used; host 1: connect: SSL error: certificate "
                    "verify failed; host 2: connect: SSL error: certificate verify failed")}) {
    INFO(message);
    CHECK(pg::is_certificate_rejection(unavailable(message)));
  }
  for (const std::string& message :
       {std::string("connect: connection to server at \"127.0.0.1\", port 5432 failed: Connection "
                    "refused"),
        std::string("connect: FATAL: password authentication failed for user \"blazed\""),
        std::string("connect: server does not support SSL, but SSL was required")}) {
    INFO(message);
    CHECK_FALSE(pg::is_certificate_rejection(unavailable(message)));
  }
  // Only a failed connect: a statement error quoting those words is not one.
  CHECK_FALSE(pg::is_certificate_rejection(Error(pg::errc::pg_error, "certificate verify failed")));
}

TEST_CASE("a rejected Redis certificate is told from Redis being down", "[unit]") {
  CHECK(redis::is_certificate_rejection(
      Error(http::errc::tls_verify_failed, "certificate rejected: certificate verify failed")));
  CHECK_FALSE(redis::is_certificate_rejection(Error(redis::errc::redis_unavailable, "refused")));
  CHECK_FALSE(redis::is_certificate_rejection(Error(http::errc::tls_error, "handshake failed")));
}
