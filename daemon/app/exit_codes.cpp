// Owns which start-up failures are permanent: the code table and rejected server certificates.
#include "app/exit_codes.hpp"

#include "config/errc.hpp"
#include "control/errc.hpp"
#include "core/errc.hpp"
#include "http/errc.hpp"
#include "pg/errc.hpp"
#include "pg/errors.hpp"
#include "queue/errc.hpp"
#include "redis/tls.hpp"
#include "ratelimit/errc.hpp"
#include "s3/errc.hpp"
#include "schedule/errc.hpp"

#include <algorithm>
#include <array>

namespace blazed::app {
namespace {

// Each names something in the file, the key directory, the host or the database that stays
// wrong until the operator changes it.
constexpr std::array kPermanent{
    blazed::errc::bad_config,           // a value the loader or a part refused
    blazed::errc::bind,                 // health port or control socket path taken
    config::errc::io_error,             // the config file cannot be read
    config::errc::secret_unavailable,   // env:/file:/credential: not provided
    control::errc::socket_in_use,       // another daemon answers on control.socket
    control::errc::socket_path,         // the socket path is not a socket or its directory is wrong
    pg::errc::migration_checksum_mismatch,  // an applied migration was edited
    pg::errc::schema_behind,            // require-current and `blazed migrate` not run
    pg::errc::pg_runtime_role,          // migrate_dsn without a runtime user, or its grants refused
    queue::errc::bad_queue_name,
    schedule::errc::bad_schedule,
    schedule::errc::bad_time_zone,
    ratelimit::errc::unknown_operation,
    ratelimit::errc::bad_request,
    http::errc::http_bad_url,
    http::errc::http_plain_refused,
    http::errc::tls_error,              // spapi.ca_file unreadable or not PEM
    s3::errc::s3_bad_config,
    s3::errc::s3_credentials,
};

}  // namespace

bool is_permanent_start_failure(const Error& e) {
  if (e.code.starts_with("keyring_")) return true;  // every keyring code names the key directory
  return std::any_of(kPermanent.begin(), kPermanent.end(),
                     [&](const ErrorCode& c) { return e.code == c; });
}

int start_failure_exit_code(const Error& e) {
  return is_permanent_start_failure(e) ? kExitConfig : kExitUnavailable;
}

std::optional<Error> redis_certificate_error(const Error& connect_error) {
  if (!redis::is_certificate_rejection(connect_error)) return std::nullopt;
  return Error(blazed::errc::bad_config,
               "redis.url / redis.tls_ca_file: the Redis server's certificate was rejected (signed "
               "by another CA than redis.tls_ca_file, or not naming the URL's host): " +
                   connect_error.message);
}

std::optional<Error> postgres_certificate_error(const Error& e, std::string_view dsn_key) {
  if (!pg::is_certificate_rejection(e)) return std::nullopt;
  return Error(blazed::errc::bad_config,
               std::string(dsn_key) +
                   ": the PostgreSQL server's certificate was rejected (check sslrootcert and that "
                   "the certificate names the host): " + e.message);
}

}  // namespace blazed::app
