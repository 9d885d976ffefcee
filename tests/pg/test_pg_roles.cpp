// Tests the owner/runtime role split on a real server: `blazed migrate` as the owner grants the
// runtime role only what the daemon uses; the runtime role cannot disable the audit trigger or
// change or delete audit rows, and the daemon's work (audit, sellers, raw payloads and their purge,
// pg_dump for backups, the restore drill's scratch database) runs with it.
#include "crypto/chunked_stream.hpp"
#include "crypto/key_file.hpp"
#include "crypto/keyring.hpp"
#include "crypto/nonce.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/backup/backup_run.hpp"
#include "jobs/backup/drill.hpp"
#include "jobs/purge/purge_run.hpp"
#include "pg/audit.hpp"
#include "pg/errors.hpp"
#include "pg/migrate.hpp"
#include "pg/roles.hpp"
#include "pg_fixture.hpp"
#include "s3/client_fixture.hpp"
#include "s3/s3rver.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <cstdlib>

using namespace blazed;
using namespace blazed::pg;
using namespace blazed::testing;
namespace asio = boost::asio;
using namespace std::chrono;

namespace {

// Two login roles for one test database (roles are per cluster: named after the database), dropped
// after it, made by docs/postgres.md's SQL: the owner a member of the runtime role, the runtime
// role with CREATEDB for the restore drills.
struct Roles {
  PgEndpoint server = test_postgres();
  std::string owner;
  std::string runtime;

  explicit Roles(const std::string& tag) : owner(tag + "_owner"), runtime(tag + "_app") {
    admin("CREATE ROLE " + owner + " LOGIN; CREATE ROLE " + runtime + " LOGIN; GRANT " + runtime +
          " TO " + owner + "; ALTER ROLE " + runtime + " CREATEDB");
  }
  ~Roles() {
    try {
      admin("DROP ROLE IF EXISTS " + runtime + "; DROP ROLE IF EXISTS " + owner);
    } catch (...) {
    }
  }
  void admin(const std::string& sql) const { pg_exec(server.dsn("postgres"), sql); }
};

std::string unique_tag() {
  static int n = 0;
  return "blazed_roles_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
}

struct RolesWorld {
  asio::io_context io;
  Roles roles{unique_tag()};
  PgDatabase db;  // declared after roles: dropped before them
  ManualClock clock{Clock::time_point(sys_days{2026y / March / 10} + 12h)};
  std::unique_ptr<PgPool> owner_pool;
  std::unique_ptr<PgPool> runtime_pool;

  RolesWorld() {
    db.exec("ALTER DATABASE " + db.name() + " OWNER TO " + roles.owner);
    config::PostgresConfig c = pg_config(dsn_as(roles.runtime), 2);
    c.migrate_dsn = dsn_as(roles.owner);
    auto role = runtime_role(c);
    REQUIRE(role.has_value());
    REQUIRE(*role == std::optional<std::string>(roles.runtime));
    owner_pool = make(owner_settings(c));
    runtime_pool = make(c);
    REQUIRE(run_coro(io, migrate(*owner_pool, builtin_migrations(), log::Logger("migrate"), *role)));
  }
  ~RolesWorld() {
    owner_pool->stop();
    runtime_pool->stop();
  }

  std::string dsn_as(const std::string& user) const { return db.dsn() + " user=" + user; }
  std::unique_ptr<PgPool> make(const config::PostgresConfig& c) {
    return std::make_unique<PgPool>(io.get_executor(), c, Secret{});
  }
  // The SQLSTATE the runtime role gets for `sql` ("" when it succeeds).
  std::string refused(const std::string& sql) {
    auto r = run_coro(io, runtime_pool->query(sql));
    return r ? "" : std::string(sqlstate(r.error()));
  }
};

AuditEvent event() {
  AuditEvent e;
  e.actor = "daemon";
  e.action = "purge.pii";
  e.outcome = AuditOutcome::success;
  return e;
}

constexpr const char* kInsufficientPrivilege = "42501";

}  // namespace

TEST_CASE("the runtime role cannot disable the audit trigger, nor change or delete audit rows", "[pg]") {
  RolesWorld w;
  REQUIRE(run_coro(w.io, record_audit(*w.runtime_pool, w.clock, event())));
  REQUIRE(run_coro(w.io, list_audit(*w.runtime_pool, {}))->size() == 1);
  // An event too old for the retention trigger: only the missing privilege stops its deletion.
  w.db.exec("INSERT INTO audit_events (occurred_at, actor, action, outcome) "
            "VALUES (now() - interval '800 days', 'daemon', 'old', 'success')");

  CHECK(w.refused("ALTER TABLE audit_events DISABLE TRIGGER audit_events_retention") == kInsufficientPrivilege);
  CHECK(w.refused("ALTER TABLE audit_events DISABLE TRIGGER ALL") == kInsufficientPrivilege);
  CHECK(w.refused("DROP TRIGGER audit_events_no_update ON audit_events") == kInsufficientPrivilege);
  CHECK(w.refused("CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql "
                  "AS $$ BEGIN RETURN NEW; END $$") == kInsufficientPrivilege);
  CHECK(w.refused("UPDATE audit_events SET rows = 7") == kInsufficientPrivilege);
  CHECK(w.refused("DELETE FROM audit_events WHERE action = 'old'") == kInsufficientPrivilege);
  CHECK(w.refused("TRUNCATE audit_events") == kInsufficientPrivilege);
  CHECK(w.refused("DROP TABLE audit_events") == kInsufficientPrivilege);
  CHECK(w.refused("ALTER TABLE audit_events OWNER TO " + w.roles.runtime) == kInsufficientPrivilege);
  // Nothing new in the schema either, and no rewriting the ledger.
  CHECK(w.refused("CREATE TABLE planted (id int)") == kInsufficientPrivilege);
  CHECK(w.refused("DELETE FROM schema_migrations") == kInsufficientPrivilege);
  CHECK(w.db.exec("SELECT count(*) FROM audit_events").at(0).at(0) == "2");
  CHECK(w.db.exec("SELECT tgenabled FROM pg_trigger WHERE tgname = 'audit_events_retention'").at(0).at(0) == "O");

  // The daemon's own start-up check runs as the runtime role.
  CHECK(run_coro(w.io, ensure_schema(*w.runtime_pool, config::MigrateMode::require_current)));
}

TEST_CASE("the daemon's work runs as the runtime role: sellers, raw payloads, their purge, pg_dump", "[pg]") {
  RolesWorld w;
  CHECK(w.refused("INSERT INTO sellers (region) VALUES ('na')").empty());
  CHECK(w.refused("INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES (1, '\\x00', 'k1')").empty());
  CHECK(w.refused("UPDATE seller_tokens SET key_id = 'k2'").empty());
  CHECK(w.refused("INSERT INTO sync_state (seller_id, data_type) VALUES (1, 'orders')").empty());
  CHECK(w.refused("INSERT INTO deletion_requests (seller_id) VALUES (1)").empty());
  // Days made ahead (as the owner, through the function) and written through the parent.
  CHECK(w.refused("SELECT raw_payloads_ensure_partition('2026-01-20')").empty());
  CHECK(w.refused("INSERT INTO raw_payloads (id, seller_id, data_type, received_at, key_id, ciphertext) "
                  "VALUES (nextval('raw_payloads_id_seq'), 1, 'orders', '2026-01-20 10:00+00', 'k1', '\\x00')")
            .empty());

  jobs::purge::PurgeOptions options;
  options.instance_id = "test";
  options.actor = "instance:test";
  auto report = run_coro(w.io, jobs::purge::run_purge(*w.runtime_pool, w.clock, options));
  REQUIRE(report.has_value());
  CHECK(report->dropped_partitions == 1);
  CHECK(report->dropped_rows == 1);
  CHECK(report->partitions_made == 8);
  CHECK(w.db.exec("SELECT count(*) FROM pg_class WHERE relname = 'raw_payloads_p20260120'").at(0).at(0) == "0");
  // Every day is the runtime role's, and so the purge's to drop; the audit table stays the owner's.
  CHECK(w.db.exec("SELECT count(*) FROM pg_class WHERE relname ~ '^raw_payloads_p' AND relkind = 'r' "
                  "AND pg_get_userbyid(relowner) <> '" + w.roles.runtime + "'").at(0).at(0) == "0");
  CHECK(w.db.exec("SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'audit_events'").at(0).at(0) ==
        w.roles.owner);

  // Backups run pg_dump as the runtime role: it must read every table, partitions included.
  const std::string dump = "/usr/lib/postgresql/15/bin/pg_dump --no-password --no-sync --format=custom --file=/dev/null "
                           "'--dbname=" + w.dsn_as(w.roles.runtime) + "'";
  CHECK(std::system(dump.c_str()) == 0);
}

TEST_CASE("a restore drill runs as the runtime role, and without CREATEDB fails saying so", "[pg][s3]") {
  namespace bk = jobs::backup;
  RolesWorld w;
  TempDir keydir{"blazed-roles-keys"};
  ::chmod(keydir.path().c_str(), 0700);
  REQUIRE(crypto::generate_key_file(keydir.path(), "k1", SystemClock::instance()).has_value());
  crypto::KeyringOptions ko;
  ko.dir = keydir.path();
  ko.active_key = "k1";
  const auto keyring = crypto::Keyring::load(ko).value();
  S3rver s3;
  config::BackupTargetConfig target;
  target.name = "a";
  target.bucket = s3.bucket();
  target.prefix = "a/";
  std::vector<bk::Target> targets;
  targets.push_back({target, make_client(w.io, test_options(s3.endpoint(), s3.bucket()))});
  // The daemon's backup of its own schema, taken as the runtime role.
  REQUIRE(run_coro(w.io, record_audit(*w.runtime_pool, w.clock, event())));
  bk::BackupSettings settings;
  settings.dsn = w.dsn_as(w.roles.runtime);
  settings.instance_id = "test";
  auto done = run_coro(w.io, bk::run_backup({*w.runtime_pool, keyring, crypto::random_nonces(), crypto::random_bytes(),
                                             SystemClock::instance()},
                                            settings, targets));
  INFO((done ? std::string() : done.error().code + ": " + done.error().message));
  REQUIRE(done.has_value());
  const bk::DrillSettings drill{w.dsn_as(w.roles.runtime), Secret{}, "pg_restore"};

  SECTION("with CREATEDB it restores into a scratch database of its own, checks and drops it") {
    auto drilled = run_coro(w.io, bk::run_drill(*w.runtime_pool, drill, targets[0], done->manifest, keyring));
    INFO((drilled ? std::string() : drilled.error().code + ": " + drilled.error().message));
    REQUIRE(drilled.has_value());
    CHECK(drilled->tables_checked == static_cast<int>(done->manifest.tables.size()));
    CHECK(pg_exec(w.roles.server.dsn("postgres"),
                  "SELECT count(*) FROM pg_database WHERE datname = '" + drilled->scratch_database + "'")
              .at(0)
              .at(0) == "0");
  }
  SECTION("without CREATEDB it fails naming the privilege") {
    w.roles.admin("ALTER ROLE " + w.roles.runtime + " NOCREATEDB");
    auto drilled = run_coro(w.io, bk::run_drill(*w.runtime_pool, drill, targets[0], done->manifest, keyring));
    REQUIRE_FALSE(drilled.has_value());
    CHECK(sqlstate(drilled.error()) == kInsufficientPrivilege);
    CHECK_THAT(drilled.error().message, Catch::Contains("CREATEDB") && Catch::Contains("docs/postgres.md"));
  }
}

TEST_CASE("a second migrate run keeps the grants; a table added later gets them", "[pg]") {
  RolesWorld w;
  auto extra = builtin_migrations();
  extra.push_back(Migration::make(9990, "later_table", "CREATE TABLE later_table (id int)"));
  auto role = std::optional<std::string>(w.roles.runtime);
  REQUIRE(run_coro(w.io, migrate(*w.owner_pool, extra, log::Logger("migrate"), role)));
  CHECK(w.refused("INSERT INTO later_table VALUES (1)").empty());
  CHECK(w.refused("DELETE FROM later_table").empty());
  CHECK(w.refused("UPDATE audit_events SET rows = 1") == kInsufficientPrivilege);
}

TEST_CASE("with postgres.migrate_dsn, postgres.dsn must name the runtime role", "[pg][unit]") {
  config::PostgresConfig c;
  c.dsn = "host=127.0.0.1 dbname=blazed";
  CHECK(runtime_role(c).value() == std::nullopt);  // one role: nothing to grant
  CHECK(owner_settings(c).dsn == c.dsn);
  c.migrate_dsn = "host=127.0.0.1 dbname=blazed user=owner";
  auto missing = runtime_role(c);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == "pg_runtime_role");
  c.dsn = "postgresql://blazed_app@127.0.0.1/blazed";
  CHECK(runtime_role(c).value() == std::optional<std::string>("blazed_app"));
  CHECK(owner_settings(c).dsn == c.migrate_dsn);
}
