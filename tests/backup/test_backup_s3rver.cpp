// Owns the backup and restore tests against s3rver and PostgreSQL: a round trip with identical
// data in every table, objects altered on the server (bit flip, truncation, reordered chunks)
// refused by restore and by the offline decrypt with nothing presented as complete, a failed
// pg_dump, a missing bucket and refused credentials leaving no good backup and deleting nothing,
// and a wrong key.
#include "backup/backup_fixture.hpp"
#include "harness/catch_result.hpp"
#include "jobs/backup/inventory.hpp"
#include "harness/run_process.hpp"
#include "jobs/backup/restore.hpp"

#include <filesystem>
#include <fstream>

using namespace blazed;
using namespace blazed::testing;
namespace bk = blazed::jobs::backup;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void spit(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << bytes;
}

Result<bk::RestoreResult> restore_into(BackupWorld& w, const bk::Manifest& m, PgDatabase& into,
                                       const crypto::Keyring* ring = nullptr) {
  bk::PgRestoreDestination dest("pg_restore", into.dsn(), Secret{});
  return run_coro(w.io, bk::restore_backup(w.targets[0], m, ring ? *ring : *w.keyring, dest));
}

Result<bk::Inventory> inventory(BackupWorld& w) { return run_coro(w.io, bk::take_inventory(w.targets)); }

}  // namespace

TEST_CASE("a backup restores into an empty database with identical data, row for row", "[s3][pg]") {
  BackupWorld w(3000, {"a/", "b/"});
  auto done = w.backup();
  REQUIRE_OK(done);
  const bk::Manifest& m = done->manifest;
  CHECK(m.key_id == "k1");
  CHECK(m.object_bytes > 0);
  CHECK(m.dump_bytes > m.compressed_bytes);
  CHECK(m.object_sha256.size() == 64);
  CHECK(m.pg_server_version.starts_with("15"));
  bool saw_orders = false;
  for (const auto& t : m.tables) saw_orders = saw_orders || (t.schema == "shop" && t.table == "orders" && t.rows == 3000);
  CHECK(saw_orders);

  // Both targets hold it, and it is the one good backup.
  auto inv = inventory(w);
  REQUIRE_OK(inv);
  REQUIRE(inv->good == std::vector<std::string>{m.backup_id});

  // The object on the server is what the manifest says.
  const std::string object = slurp(w.s3.object_file("a/" + m.backup_id + ".bkp"));
  CHECK(object.size() == m.object_bytes);

  PgDatabase restored;
  auto r = restore_into(w, m, restored);
  REQUIRE_OK(r);
  CHECK(r->object_bytes == m.object_bytes);
  CHECK(r->dump_bytes == m.dump_bytes);
  CHECK(table_digests(restored) == table_digests(w.source));
}

TEST_CASE("an altered object fails restore and decrypt with a clear error and no complete output", "[s3][pg]") {
  BackupWorld w(3000);
  w.settings.chunk_size = 4096;
  auto done = w.backup();
  REQUIRE_OK(done);
  const bk::Manifest m = done->manifest;
  const auto file = w.s3.object_file("a/" + m.backup_id + ".bkp");
  const std::string original = slurp(file);
  const std::size_t header = 88;          // 86 + len("k1")
  const std::size_t frame = 4096 + 21;    // flag, length, a chunk, tag
  REQUIRE(original.size() > header + 3 * frame);

  TempDir out_dir("blazed-decrypt");
  const auto out = out_dir.path() / "dump.pgc";
  struct Case {
    const char* name;
    std::string bytes;
    const char* restore_code;  // through the manifest's size/hash first where they differ
    const char* decrypt_code;  // offline, without a manifest
  };
  std::string flipped = original;
  flipped[header + frame + 100] ^= 0x01;
  std::string reordered = original;
  std::copy(original.begin() + header + frame, original.begin() + header + 2 * frame, reordered.begin() + header);
  std::copy(original.begin() + header, original.begin() + header + frame, reordered.begin() + header + frame);
  const std::vector<Case> cases = {
      {"bit flip", flipped, "backup_tampered", "backup_tampered"},
      {"truncated", original.substr(0, original.size() - 1000), "backup_truncated", "backup_truncated"},
      {"cut between chunks", original.substr(0, header + 2 * frame), "backup_truncated", "backup_truncated"},
      {"reordered", reordered, "backup_reordered", "backup_reordered"},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      spit(file, c.bytes);
      PgDatabase into;
      auto r = restore_into(w, m, into);
      REQUIRE_ERR(r, c.restore_code);

      const auto local = out_dir.path() / "object.bkp";
      spit(local, c.bytes);
      bk::FileDestination dest(out);
      auto d = bk::decrypt_file(local, *w.keyring, dest);
      REQUIRE_ERR(d, c.decrypt_code);
      CHECK_FALSE(std::filesystem::exists(out));
      CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));
    }
  }
  SECTION("the untouched object decrypts offline into a file pg_restore reads") {
    const auto local = out_dir.path() / "object.bkp";
    spit(local, original);
    bk::FileDestination dest(out);
    auto d = bk::decrypt_file(local, *w.keyring, dest, {m.object_bytes, m.object_sha256});
    REQUIRE_OK(d);
    CHECK(d->dump_bytes == m.dump_bytes);
    CHECK(std::filesystem::file_size(out) == m.dump_bytes);
    CHECK(slurp(out).substr(0, 5) == "PGDMP");
  }
}

TEST_CASE("a wrong key or an unknown backup id is a clear error", "[s3][pg]") {
  BackupWorld w(100);
  auto done = w.backup();
  REQUIRE_OK(done);

  TempDir other("blazed-other-keys");
  ::chmod(other.path().c_str(), 0700);
  REQUIRE(crypto::generate_key_file(other.path(), "k1", SystemClock::instance()).has_value());
  crypto::KeyringOptions ko;
  ko.dir = other.path();
  ko.active_key = "k1";
  auto wrong = crypto::Keyring::load(ko).value();
  PgDatabase into;
  REQUIRE_ERR(restore_into(w, done->manifest, into, &wrong), "backup_wrong_key");

  auto missing = run_coro(w.io, bk::read_manifest(w.targets[0], "20200101T000000Z-00000000"));
  REQUIRE_ERR(missing, "backup_not_found");
}

TEST_CASE("a failed pg_dump leaves no manifest and no good backup; the next run succeeds", "[s3][pg]") {
  BackupWorld w(500);
  w.settings.dsn = w.source.dsn() + " dbname=no_such_database";
  auto failed = w.backup();
  REQUIRE_ERR(failed, "backup_pg_dump_failed");
  auto inv = inventory(w);
  REQUIRE_OK(inv);
  CHECK(inv->good.empty());
  CHECK(inv->manifests.empty());

  w.settings.dsn = w.source.dsn();
  REQUIRE_OK(w.backup());
  inv = inventory(w);
  REQUIRE_OK(inv);
  CHECK(inv->good.size() == 1);
}

TEST_CASE("a pg_dump older than the server is refused before anything is uploaded", "[s3][pg]") {
  BackupWorld w(10);
  TempDir bin("blazed-fake-pgdump");
  const auto fake = bin.path() / "pg_dump";
  spit(fake, "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
  ::chmod(fake.c_str(), 0755);
  w.settings.pg_dump = fake.string();
  REQUIRE_ERR(w.backup(), "backup_pg_version");
  auto inv = inventory(w);
  REQUIRE_OK(inv);
  CHECK(inv->holdings.at("a").empty());
}

TEST_CASE("a bucket that does not exist fails the backup with its code and writes nothing", "[s3][pg]") {
  BackupWorld w(10);
  w.add_target("c/", "no-such-bucket");
  REQUIRE_ERR(w.backup(), "s3_no_such_bucket");
  w.targets.pop_back();
  auto inv = inventory(w);
  REQUIRE_OK(inv);
  CHECK(inv->manifests.empty());
}

TEST_CASE("blazed backup decrypt needs only the key directory and the object", "[s3][pg]") {
  BackupWorld w(1000);
  auto done = w.backup();
  REQUIRE_OK(done);
  const bk::Manifest& m = done->manifest;
  TempDir dir("blazed-decrypt-cli");
  const auto object = dir.path() / "backup.bkp";
  const auto manifest = dir.path() / "backup.manifest.json";
  const auto out = dir.path() / "db.dump";
  std::filesystem::copy_file(w.s3.object_file("a/" + m.backup_id + ".bkp"), object);
  spit(manifest, bk::manifest_to_json(m));
  const std::string blazed = BLAZED_BINARY_DIR "/daemon/blazed";

  auto ok = run_process({blazed, "backup", "decrypt", "--key-dir", w.keydir.path().string(), "--manifest",
                         manifest.string(), object.string(), out.string()});
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK(std::filesystem::file_size(out) == m.dump_bytes);
  // pg_restore reads it: its table of contents lists the generated table.
  auto toc = run_process({"/usr/bin/pg_restore", "--list", out.string()});
  CHECK(toc.exit_code == 0);
  CHECK(toc.out.find("orders") != std::string::npos);

  std::filesystem::remove(out);
  std::string bytes = slurp(object);
  bytes[bytes.size() / 2] ^= 0x40;
  spit(object, bytes);
  auto bad = run_process({blazed, "backup", "decrypt", "--key-dir", w.keydir.path().string(), object.string(),
                          out.string()});
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("backup_tampered") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));

  TempDir empty("blazed-no-keys");
  ::chmod(empty.path().c_str(), 0700);
  auto no_key = run_process({blazed, "backup", "decrypt", "--key-dir", empty.path().string(), object.string(),
                             out.string()});
  CHECK(no_key.exit_code == 1);
  CHECK(no_key.err.find("backup_unknown_key") != std::string::npos);
}

TEST_CASE("refused credentials fail the backup with their code; the backups already there stay", "[s3][pg]") {
  BackupWorld w(10);
  auto first = w.backup();
  REQUIRE_OK(first);
  w.add_refused_target("refused", "r/");
  auto failed = w.backup();
  REQUIRE_ERR(failed, "s3_access_denied");
  CHECK(failed.error().message.find("target 'refused'") != std::string::npos);
  w.targets.pop_back();
  auto inv = inventory(w);
  REQUIRE_OK(inv);
  CHECK(inv->manifests.size() == 1);
  CHECK(inv->good == std::vector<std::string>{first->manifest.backup_id});
}
