// Tests the keys and seller-token CLIs as operators run them: `blazectl sellers connect` reading
// the token from stdin or a file (never argv) against a real control server with the key
// commands, `blazectl sellers disconnect` and `keys status`, and `blazed keys generate`.
#include "control/server.hpp"
#include "core/log.hpp"
#include "crypto/ciphertext.hpp"
#include "crypto/hex.hpp"
#include "crypto/key_file.hpp"
#include "harness/catch_result.hpp"
#include "harness/run_process.hpp"
#include "jobs/ctl_server.hpp"
#include "jobs/job_world.hpp"
#include "jobs/keys/keys_commands.hpp"
#include "jobs/sellers/sellers_commands.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <thread>

using namespace blazed;
using namespace blazed::testing;

namespace {

const std::string kCanary = "Atzr|IwEBIcanary-refresh-token-from-stdin";

// The world plus a real control server on its io_context, blazectl run against it.
struct CtlWorld {
  JobWorld w{{"k1"}, "k1"};
  control::CommandRegistry registry;
  CtlServer server{w.io, registry};

  CtlWorld() {
    REQUIRE(jobs::register_keys_commands(registry, *w.ctx));
    REQUIRE(jobs::sellers::register_seller_token_commands(registry, *w.ctx));
  }

  ProcessResult ctl(std::vector<std::string> args, const std::string& stdin_data = {}) {
    return server.ctl(std::move(args), stdin_data);
  }

  std::string token_of(std::int64_t seller) {
    auto row = w.db.exec("SELECT encode(ciphertext, 'hex'), key_id FROM seller_tokens WHERE seller_id = " +
                         std::to_string(seller));
    REQUIRE(row.size() == 1);
    const std::string id = std::to_string(seller);
    return crypto::open_stored(*w.keyring, crypto::Aad{crypto::kPurposeSellerToken, "seller_tokens", id},
                               row[0][1], crypto::from_hex(*row[0][0]).value())
        .value();
  }
};

std::int64_t seller_in(const std::string& out) {
  std::smatch m;
  REQUIRE(std::regex_search(out, m, std::regex("^seller ([0-9]+) connected \\(token sealed under key k1\\)\n$")));
  return std::stoll(m[1]);
}

}  // namespace

TEST_CASE("blazectl sellers connect reads the token from stdin and the daemon stores it sealed", "[pg][redis][e2e]") {
  CtlWorld c;
  std::string logs;
  log::Settings s;
  s.level = log::Level::trace;
  log::configure(s);
  log::capture_to(&logs);
  auto r = c.ctl({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER"}, kCanary + "\n");
  log::capture_to(nullptr);
  log::configure(log::Settings{});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto id = seller_in(r.out);
  CHECK(c.token_of(id) == kCanary);
  CHECK(logs.find("control request") != std::string::npos);  // the request went through the session
  CHECK(logs.find("canary-refresh-token") == std::string::npos);
  CHECK(r.out.find("canary") == std::string::npos);
  CHECK(r.err.find("canary") == std::string::npos);

  // From a file, with --json.
  TempDir dir{"blazed-token-file"};
  {
    std::ofstream(dir / "token") << kCanary << "-file\n";
  }
  auto f = c.ctl({"--json", "sellers", "connect", "--region", "eu", "--marketplace", "A1PA6795UKMFR9",
                  "--token-file", (dir / "token").string()});
  REQUIRE(f.exit_code == 0);
  CHECK(f.out.find("\"seller_id\":") != std::string::npos);
  CHECK(c.w.db.exec("SELECT count(*) FROM seller_tokens")[0][0] == std::optional<std::string>("2"));

  // keys status shows the key with its rows; disconnect deletes the first token.
  auto st = c.ctl({"keys", "status"});
  REQUIRE(st.exit_code == 0);
  CHECK(st.out.find("active key: k1\n") == 0);
  CHECK(std::regex_search(st.out, std::regex("\nk1 +0d +90d +2 +active\n")));
  CHECK(st.out.find("rows to rotate: seller_tokens 0, raw_payloads 0\n") != std::string::npos);
  CHECK(st.out.find("LWA client secret: age unknown") != std::string::npos);

  auto d = c.ctl({"sellers", "disconnect", std::to_string(id), "--yes"});
  REQUIRE(d.exit_code == 0);
  CHECK(d.out == "seller " + std::to_string(id) + " disconnected; refresh token deleted\n");
  CHECK(c.w.db.exec("SELECT count(*) FROM seller_tokens")[0][0] == std::optional<std::string>("1"));
  auto gone = c.ctl({"sellers", "disconnect", "999999", "--yes"});
  CHECK(gone.exit_code == 1);
  CHECK(gone.err.find("not_found") != std::string::npos);
}

TEST_CASE("blazectl sellers connect never takes the token from argv and refuses incomplete lines", "[pg][redis][e2e]") {
  CtlWorld c;
  auto r = c.ctl({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER", "--token", kCanary});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("never taken from the command line") != std::string::npos);
  CHECK(c.ctl({"sellers", "connect", "--marketplace", "ATVPDKIKX0DER"}, kCanary).exit_code == 2);
  CHECK(c.ctl({"sellers", "connect", "--region", "na"}, kCanary).exit_code == 2);
  auto empty = c.ctl({"sellers", "connect", "--region", "na", "--marketplace", "ATVPDKIKX0DER"}, "");
  CHECK(empty.exit_code == 2);
  CHECK(empty.err.find("empty") != std::string::npos);
  auto bad = c.ctl({"sellers", "connect", "--region", "xx", "--marketplace", "ATVPDKIKX0DER"}, kCanary);
  CHECK(bad.exit_code == 1);
  CHECK(bad.err.find("bad_args") != std::string::npos);
  CHECK(bad.err.find("canary") == std::string::npos);
  CHECK(c.ctl({"sellers", "disconnect", "abc"}).exit_code == 2);
  CHECK(c.w.db.exec("SELECT count(*) FROM sellers")[0][0] == std::optional<std::string>("0"));

  auto rotate = c.ctl({"keys", "rotate"});
  REQUIRE(rotate.exit_code == 0);
  CHECK(rotate.out.rfind("rotation queued: job ", 0) == 0);
  auto again = c.ctl({"keys", "rotate"});
  CHECK(again.out.rfind("a rotation job is already queued: job ", 0) == 0);
}

TEST_CASE("blazed keys generate writes a 0400 key, prints only its id and never overwrites", "[unit]") {
  TempDir dir{"blazed-keygen"};
  auto r = run_process({BLAZED_PATH, "keys", "generate", "--dir", dir.path().string(), "--id", "2026-11"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "2026-11\n");
  CHECK(r.err.empty());
  const auto file = dir / "2026-11";
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0400);
  auto key = crypto::read_key_file(file, crypto::FileModeRule::owner_only);
  REQUIRE(key);
  CHECK(key->created_from_header);
  const std::string original = [&] {
    std::ifstream in(file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  // The key's hex is in the file, and in no output.
  const auto hex = crypto::to_hex(key->key.bytes());
  CHECK(original.find(hex) != std::string::npos);
  CHECK(r.out.find(hex) == std::string::npos);

  auto again = run_process({BLAZED_PATH, "keys", "generate", "--dir", dir.path().string(), "--id", "2026-11"});
  CHECK(again.exit_code == 73);
  CHECK(again.err.find("already exists") != std::string::npos);
  std::ifstream in(file);
  CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == original);

  // Without --id: a time-based id; the keyring accepts the directory.
  auto dated = run_process({BLAZED_PATH, "keys", "generate", "--dir", dir.path().string()});
  REQUIRE(dated.exit_code == 0);
  CHECK(std::regex_match(dated.out, std::regex("k-[0-9]{8}-[0-9]{6}\n")));
  ::chmod(dir.path().c_str(), 0700);
  crypto::KeyringOptions o;
  o.dir = dir.path();
  o.active_key = "2026-11";
  auto ring = crypto::Keyring::load(o);
  REQUIRE(ring);
  CHECK(ring->size() == 2);

  CHECK(run_process({BLAZED_PATH, "keys", "generate", "--dir", dir.path().string(), "--id", "../escape"}).exit_code == 2);
  CHECK(run_process({BLAZED_PATH, "keys", "generate", "--id", "k9"}).exit_code == 2);
  CHECK(run_process({BLAZED_PATH, "keys", "frobnicate"}).exit_code == 2);
  CHECK(run_process({BLAZED_PATH, "keys", "generate", "--dir", (dir / "missing").string(), "--id", "k9"}).exit_code == 1);
}
