// Tests the key rotation job on a real PostgreSQL: 50,000 tokens (and legacy CBC rows) rotated
// while another process keeps replacing tokens (no lost update), a rotation SIGKILLed mid-run and
// resumed, unreadable rows left in place and reported, and one rotation per table at a time.
#include "crypto/ciphertext.hpp"
#include "crypto/envelope.hpp"
#include "crypto/hex.hpp"
#include "crypto/key_file.hpp"
#include "harness/catch_result.hpp"
#include "harness/line_child.hpp"
#include "harness/postgres.hpp"
#include "harness/run_coro.hpp"
#include "harness/temp_dir.hpp"
#include "jobs/keys/key_rotation.hpp"
#include "pg/migrate.hpp"

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <map>
#include <sstream>

using namespace blazed;
using namespace blazed::testing;
namespace asio = boost::asio;

namespace {

constexpr long kRows = 50'000;
constexpr long kLegacyRows = 200;  // ids 1..200 hold the web app's AES-256-CBC values

std::string legacy_cbc(std::span<const std::uint8_t, crypto::kKeySize> key, const std::string& plain) {
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < iv.size(); ++i) iv[i] = static_cast<std::uint8_t>(plain.size() * 7 + i);
  std::vector<std::uint8_t> ct(plain.size() + 16);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int n1 = 0;
  int n2 = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), iv.data()) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx, ct.data(), &n1, reinterpret_cast<const std::uint8_t*>(plain.data()),
                            static_cast<int>(plain.size())) == 1);
  REQUIRE(EVP_EncryptFinal_ex(ctx, ct.data() + n1, &n2) == 1);
  EVP_CIPHER_CTX_free(ctx);
  ct.resize(static_cast<std::size_t>(n1 + n2));
  return crypto::to_hex(iv) + ":" + crypto::to_hex(ct);
}

// At least 16 bytes: what a legacy token must be to open (crypto/legacy_plaintext.hpp).
std::string original_token(long id) { return "tok-" + std::to_string(id) + "-v0-original"; }

struct World {
  TempDir keydir{"blazed-rotation-keys"};
  PgDatabase db;
  asio::io_context io;
  std::unique_ptr<pg::PgPool> pool;
  std::optional<crypto::Keyring> old_ring;  // what the rows were written under
  std::optional<crypto::Keyring> ring;      // active: k-new

  World() {
    ::chmod(keydir.path().c_str(), 0700);
    REQUIRE(crypto::generate_key_file(keydir.path(), "k-old").has_value());
    REQUIRE(crypto::generate_key_file(keydir.path(), "k-new").has_value());
    REQUIRE(crypto::generate_key_file(keydir.path(), "node-legacy").has_value());
    old_ring.emplace(load("k-old"));
    ring.emplace(load("k-new"));
    config::PostgresConfig cfg;
    cfg.dsn = db.dsn();
    cfg.pool_size = 3;
    pool = std::make_unique<pg::PgPool>(io.get_executor(), cfg, Secret{});
    REQUIRE(run_coro(io, pg::migrate(*pool)));
  }
  crypto::Keyring load(const std::string& active) {
    crypto::KeyringOptions o;
    o.dir = keydir.path();
    o.active_key = active;
    o.legacy_key = "node-legacy";
    return crypto::Keyring::load(o).value();
  }

  // `rows` sellers, tokens "tok-<id>-v0-original": legacy CBC for the first kLegacyRows, else under k-old.
  void fill(long rows) {
    db.exec("INSERT INTO sellers (region) SELECT 'na' FROM generate_series(1, " + std::to_string(rows) + ")");
    const crypto::Key& legacy = *old_ring->legacy();
    for (long start = 1; start <= rows; start += 5000) {
      std::ostringstream sql;
      sql << "INSERT INTO seller_tokens (seller_id, ciphertext, key_id) VALUES ";
      for (long id = start; id < std::min(rows + 1, start + 5000); ++id) {
        const std::string row = std::to_string(id);
        if (id != start) sql << ',';
        if (id <= kLegacyRows) {
          sql << '(' << id << ", convert_to('" << legacy_cbc(legacy.material(), original_token(id))
              << "', 'UTF8'), NULL)";
        } else {
          auto env = crypto::seal(*old_ring, crypto::random_nonces(),
                                  crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", row},
                                  original_token(id))
                         .value();
          sql << '(' << id << ", '\\x" << crypto::to_hex(env) << "', 'k-old')";
        }
      }
      db.exec(sql.str());
    }
  }

  // Every row: under the active key (header and key_id column) and opening to what `expected`
  // says (default: the original token).
  void check_all(long rows, const std::map<long, long>& last_write) {
    auto all = db.exec("SELECT seller_id, encode(ciphertext, 'hex'), key_id FROM seller_tokens ORDER BY seller_id");
    REQUIRE(all.size() == static_cast<std::size_t>(rows));
    long bad = 0;
    for (const auto& r : all) {
      const long id = std::stol(*r[0]);
      const auto bytes = crypto::from_hex(*r[1]).value();
      auto info = crypto::inspect(*ring, bytes);
      auto plain = crypto::open_stored(*ring, crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", *r[0]}, r[2], bytes);
      auto w = last_write.find(id);
      const std::string expected = w == last_write.end()
                                       ? original_token(id)
                                       : "tok-" + *r[0] + "-v" + std::to_string(w->second);
      if (!info || info->key_id != "k-new" || r[2] != std::optional<std::string>("k-new") || !plain ||
          *plain != expected) {
        if (++bad <= 5) {
          UNSCOPED_INFO("row " << id << " not rotated or wrong value");
        }
      }
    }
    CHECK(bad == 0);
  }

  std::vector<std::string> helper(const std::string& mode, long n) const {
    return {KEY_ROTATION_HELPER, mode, db.dsn(), keydir.path().string(), "k-new", std::to_string(n)};
  }
};

}  // namespace

TEST_CASE("50,000 rows rotate while another process keeps replacing tokens", "[pg]") {
  World w;
  w.fill(kRows);

  LineChild writer(w.helper("write", kRows));
  std::map<long, long> last_write;
  auto read_write = [&](const std::string& l) {
    std::istringstream in(l);
    long id = 0;
    long n = 0;
    in >> id >> n;
    last_write[id] = n;
  };
  // The writer is really writing before rotation starts.
  for (int i = 0; i < 100; ++i) read_write(writer.line().value());

  jobs::RotationOptions options;
  options.batch_size = 1000;
  long batches = 0;
  options.on_batch = [&](const jobs::RotationProgress&) { ++batches; };
  auto report = run_coro(w.io, jobs::rotate_table(*w.pool, *w.ring, crypto::random_nonces(),
                                                  jobs::seller_tokens_table(), options));
  REQUIRE(report);

  writer.signal(SIGTERM);
  while (auto l = writer.line()) read_write(*l);
  CHECK(writer.wait() == 0);

  INFO("rewrapped " << report->rewrapped << ", skipped " << report->skipped << ", writes "
                    << last_write.size());
  CHECK(batches >= 1);
  CHECK(report->failed == 0);
  CHECK(report->remaining == 0);
  CHECK_FALSE(report->resumed);
  // Rows the writer replaced first are already under k-new; the rest were rewrapped.
  CHECK(report->rewrapped <= kRows);
  CHECK(report->rewrapped + static_cast<std::int64_t>(last_write.size()) >= kRows);
  w.check_all(kRows, last_write);

  auto run = w.db.exec("SELECT finished_at IS NOT NULL, target_key FROM key_rotation_runs");
  REQUIRE(run.size() == 1);
  CHECK(run[0][0] == std::optional<std::string>("t"));
  CHECK(run[0][1] == std::optional<std::string>("k-new"));

  const std::array<jobs::RotationTable, 1> tables{jobs::seller_tokens_table()};
  auto usage = run_coro(w.io, jobs::key_usage(*w.pool, tables));
  REQUIRE(usage);
  REQUIRE(usage->size() == 1);
  CHECK(usage->front().key_id == std::optional<std::string>("k-new"));
  CHECK(usage->front().rows == kRows);
}

TEST_CASE("a rotation killed with SIGKILL resumes from its last committed batch", "[pg]") {
  World w;
  w.fill(kRows);

  LineChild rotator(w.helper("rotate", 500));
  // Wait for real progress: five committed batches (other lines are the helper's log).
  for (int batches = 0; batches < 5;) {
    auto l = rotator.line();
    REQUIRE(l.has_value());
    if (l->rfind("batch ", 0) == 0) ++batches;
  }
  rotator.signal(SIGKILL);
  CHECK(rotator.wait() == -SIGKILL);

  auto run = w.db.exec("SELECT id, cursor, rewrapped FROM key_rotation_runs WHERE finished_at IS NULL");
  REQUIRE(run.size() == 1);
  const long cursor = std::stol(*run[0][1]);
  const long done_before = std::stol(*run[0][2]);
  CHECK(cursor >= 5 * 500);
  CHECK(cursor < kRows);
  const long under_new = std::stol(*w.db.exec("SELECT count(*) FROM seller_tokens WHERE key_id = 'k-new'")[0][0]);
  CHECK(under_new == done_before);  // the ledger and the rows committed together

  auto report = run_coro(w.io, jobs::rotate_table(*w.pool, *w.ring, crypto::random_nonces(),
                                                  jobs::seller_tokens_table()));
  REQUIRE(report);
  CHECK(report->resumed);
  CHECK(report->run_id == std::stol(*run[0][0]));
  CHECK(report->rewrapped == kRows - done_before);  // nothing done twice
  CHECK(report->remaining == 0);
  w.check_all(kRows, {});
}

TEST_CASE("unreadable rows are left in place, counted, and keep their key referenced", "[pg]") {
  World w;
  w.fill(kLegacyRows + 50);
  // Tamper with one envelope and move another to the wrong row (swapped ciphertexts).
  w.db.exec("UPDATE seller_tokens SET ciphertext = set_byte(ciphertext, 30, get_byte(ciphertext, 30) # 1) "
            "WHERE seller_id = 220");
  w.db.exec("UPDATE seller_tokens SET ciphertext = (SELECT ciphertext FROM seller_tokens WHERE seller_id = 231) "
            "WHERE seller_id = 230");
  // A legacy CBC value (it has no AAD) planted on a row the daemon sealed: never opened there, so
  // rotation cannot seal it as that row's own.
  w.db.exec("UPDATE seller_tokens SET ciphertext = (SELECT ciphertext FROM seller_tokens WHERE seller_id = 1) "
            "WHERE seller_id = 240");

  auto report = run_coro(w.io, jobs::rotate_table(*w.pool, *w.ring, crypto::random_nonces(),
                                                  jobs::seller_tokens_table()));
  REQUIRE(report);
  CHECK(report->failed >= 3);
  CHECK(report->remaining == 3);
  CHECK(report->rewrapped == kLegacyRows + 50 - 3);

  const std::array<jobs::RotationTable, 1> tables{jobs::seller_tokens_table()};
  auto usage = run_coro(w.io, jobs::key_usage(*w.pool, tables));
  REQUIRE(usage);
  std::map<std::optional<std::string>, std::int64_t> by_key;
  for (const auto& u : *usage) by_key[u.key_id] = u.rows;
  CHECK(by_key[std::optional<std::string>("k-old")] == 3);  // k-old cannot be retired yet
  CHECK(by_key[std::optional<std::string>("k-new")] == kLegacyRows + 47);
  CHECK(by_key.count(std::nullopt) == 0);  // every legacy row was upgraded
}

TEST_CASE("one rotation per table at a time", "[pg]") {
  World w;
  w.fill(10);
  auto busy = run_coro(w.io, [&]() -> asio::awaitable<Status> {
    co_return co_await w.pool->with_session([&](pg::Session& s) -> asio::awaitable<Status> {
      auto lock = co_await s.query("SELECT pg_advisory_lock(hashtext('blazed.key_rotation.seller_tokens'))");
      if (!lock) co_return lock.error();
      auto second = co_await jobs::rotate_table(*w.pool, *w.ring, crypto::random_nonces(),
                                                jobs::seller_tokens_table());
      (void)co_await s.query("SELECT pg_advisory_unlock(hashtext('blazed.key_rotation.seller_tokens'))");
      if (second) co_return make_error("test", "a second rotation ran while the lock was held");
      co_return make_error(second.error().code, second.error().message);
    });
  }());
  REQUIRE_FALSE(busy.has_value());
  CHECK(busy.error().code == "rotation_busy");
  auto report = run_coro(w.io, jobs::rotate_table(*w.pool, *w.ring, crypto::random_nonces(),
                                                  jobs::seller_tokens_table()));
  REQUIRE(report);
  CHECK(report->remaining == 0);
}
