// Owns the second process of the key rotation tests: `write` keeps replacing seller tokens with
// fresh envelopes (a concurrent writer) and reports each committed write on stdout; `rotate`
// runs the rotation job and reports each committed batch (so a test can SIGKILL it mid-run).
//   key_rotation_helper write  DSN KEYDIR ACTIVE ROWS
//   key_rotation_helper rotate DSN KEYDIR ACTIVE BATCH
#include "crypto/envelope.hpp"
#include "crypto/keyring.hpp"
#include "jobs/keys/key_rotation.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <libpq-fe.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

using namespace blazed;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_term(int) { g_stop = 1; }

crypto::Keyring load_keys(const char* dir, const char* active) {
  crypto::KeyringOptions o;
  o.dir = dir;
  o.active_key = active;
  return crypto::Keyring::load(o).value();
}

// Replaces random rows' tokens with "tok-<id>-v<n>" under the active key until SIGTERM; prints
// "<id> <n>" after each commit, so the test knows every row's last committed value.
int write_loop(const char* dsn, const char* dir, const char* active, long rows) {
  std::signal(SIGTERM, on_term);
  auto keys = load_keys(dir, active);
  PGconn* conn = PQconnectdb(dsn);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "writer: cannot connect\n");
    return 1;
  }
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<long> pick(1, rows);
  for (long n = 1; !g_stop; ++n) {
    const long id = pick(rng);
    const std::string row = std::to_string(id);
    const std::string token = "tok-" + row + "-v" + std::to_string(n);
    auto sealed = crypto::seal(keys, crypto::random_nonces(),
                               crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", row}, token)
                      .value();
    const char* values[3] = {reinterpret_cast<const char*>(sealed.data()), active, row.c_str()};
    const int lengths[3] = {static_cast<int>(sealed.size()), 0, 0};
    const int formats[3] = {1, 0, 0};
    PGresult* r = PQexecParams(conn,
                               "UPDATE seller_tokens SET ciphertext = $1, key_id = $2, "
                               "updated_at = now() WHERE seller_id = $3",
                               3, nullptr, values, lengths, formats, 0);
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
      std::fprintf(stderr, "writer: update failed\n");
      PQfinish(conn);
      return 1;
    }
    std::printf("%ld %ld\n", id, n);
    std::fflush(stdout);
  }
  PQfinish(conn);
  return 0;
}

int rotate(const char* dsn, const char* dir, const char* active, int batch) {
  auto keys = load_keys(dir, active);
  boost::asio::io_context io;
  config::PostgresConfig cfg;
  cfg.dsn = dsn;
  cfg.pool_size = 2;
  pg::PgPool pool(io.get_executor(), cfg, Secret{});
  jobs::RotationOptions options;
  options.batch_size = batch;
  options.on_batch = [](const jobs::RotationProgress& p) {
    std::printf("batch %lld %lld\n", static_cast<long long>(p.cursor),
                static_cast<long long>(p.rewrapped));
    std::fflush(stdout);
  };
  auto f = boost::asio::co_spawn(
      io, jobs::rotate_table(pool, keys, crypto::random_nonces(), jobs::seller_tokens_table(), options),
      boost::asio::use_future);
  // The pool keeps background work on the context: run it until the job is done, not until idle.
  while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) io.run_one();
  auto report = f.get();
  if (!report) {
    std::fprintf(stderr, "rotate: %s: %s\n", report.error().code.c_str(), report.error().message.c_str());
    return 1;
  }
  std::printf("done %lld\n", static_cast<long long>(report->rewrapped));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && std::string(argv[1]) == "write")
    return write_loop(argv[2], argv[3], argv[4], std::atol(argv[5]));
  if (argc == 6 && std::string(argv[1]) == "rotate")
    return rotate(argv[2], argv[3], argv[4], std::atoi(argv[5]));
  std::fprintf(stderr, "usage: key_rotation_helper write|rotate DSN KEYDIR ACTIVE N\n");
  return 2;
}
