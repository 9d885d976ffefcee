// Tests the client over TLS with sslmode=verify-full against a server whose certificate a test CA
// issued: the right CA and host name connect (the pool and `blazed migrate`); a wrong CA or a host
// name the certificate does not name is refused with an error that quotes no password.
#include "app/migrate_cli.hpp"
#include "config/config.hpp"
#include "core/log.hpp"
#include "harness/test_pki.hpp"
#include "pg/pool.hpp"
#include "pg_fixture.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;

namespace {

constexpr std::string_view kDsnPassword = "dsn-canary-pw-31q";
constexpr std::string_view kSecretPassword = "secret-canary-pw-84z";

// A server with a certificate for the name `localhost` only (no IP address in it), and a second
// CA that did not issue it.
struct TlsServer {
  TempDir pki_dir{"blazed-pg-pki"};
  TestPki pki = make_test_pki(pki_dir.path(), "pg", {"localhost"}, {});
  TestPki stranger = make_test_pki(pki_dir.path(), "stranger", {"localhost"}, {"127.0.0.1"});
  PgCluster cluster{PgClusterOptions{.tls_cert = pki.server_cert, .tls_key = pki.server_key}};

  // `host_part` says where to connect and which name to verify.
  [[nodiscard]] std::string dsn(const std::string& host_part, const std::filesystem::path& ca) const {
    return host_part + " port=" + std::to_string(cluster.endpoint().port) +
           " user=postgres dbname=postgres sslmode=verify-full sslrootcert='" + ca.string() +
           "' password='" + std::string(kDsnPassword) + "'";
  }
};

// Connects once through a pool and returns the outcome of asking whether the session is TLS.
Result<pg::Rows> try_tls_session(const std::string& dsn, std::string* log_lines) {
  asio::io_context io;
  log::capture_to(log_lines);
  pg::PgPool pool(io.get_executor(), pg_config(dsn, 1), Secret(std::string(kSecretPassword)));
  auto r = run_coro(io, pool.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
  pool.stop();
  log::capture_to(nullptr);
  return r;
}

void check_refused_without_secrets(const Result<pg::Rows>& r, const std::string& log_lines,
                                   std::string_view reason) {
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().code == "pg_unavailable");
  CHECK_THAT(r.error().message, Catch::Contains(std::string(reason)));
  CHECK_THAT(log_lines, Catch::Contains("PostgreSQL unreachable"));
  for (std::string_view secret : {kDsnPassword, kSecretPassword}) {
    CHECK(r.error().message.find(secret) == std::string::npos);
    CHECK(log_lines.find(secret) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("verify-full with the issuing CA and the certificate's host name connects over TLS",
          "[pg]") {
  TlsServer server;
  std::string log_lines;
  // hostaddr says where to connect; host is the name the certificate must carry.
  auto r = try_tls_session(server.dsn("host=localhost hostaddr=127.0.0.1", server.pki.ca_cert),
                           &log_lines);
  REQUIRE(r);
  CHECK(r->scalar<bool>().value());

  // `blazed migrate` takes the same DSN.
  config::Config config;
  config.postgres = pg_config(server.dsn("host=localhost hostaddr=127.0.0.1", server.pki.ca_cert), 1);
  CHECK(app::run_migrate(config, /*status_only=*/false) == 0);
  CHECK(app::run_migrate(config, /*status_only=*/true) == 0);
}

TEST_CASE("verify-full refuses a certificate from another CA, and says so without secrets",
          "[pg]") {
  TlsServer server;
  std::string log_lines;
  auto r = try_tls_session(server.dsn("host=localhost hostaddr=127.0.0.1", server.stranger.ca_cert),
                           &log_lines);
  check_refused_without_secrets(r, log_lines, "certificate verify failed");
}

TEST_CASE("verify-full refuses a host name the certificate does not name", "[pg]") {
  TlsServer server;
  std::string log_lines;
  // The right CA, but the certificate names localhost, not the address 127.0.0.1.
  auto r = try_tls_session(server.dsn("host=127.0.0.1", server.pki.ca_cert), &log_lines);
  check_refused_without_secrets(r, log_lines, "does not match host name \"127.0.0.1\"");
}
