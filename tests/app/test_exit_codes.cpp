// Owns the checks on which start-up failures are permanent (exit 78) and which transient (69).
#include "app/exit_codes.hpp"
#include "control/errc.hpp"
#include "core/errc.hpp"
#include "crypto/errc.hpp"
#include "pg/errc.hpp"
#include "queue/errc.hpp"
#include "redis/errc.hpp"
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
