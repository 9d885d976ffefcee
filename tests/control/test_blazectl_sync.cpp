// Tests blazectl's `sellers list` and `sync` subcommands against a control server whose
// `sellers.list` and `sync` commands record their arguments and answer in the documented shape
// (the daemon side is tested against real services in tests/jobs/test_sync_commands.cpp).
#include "control/args.hpp"
#include "control_fixture.hpp"
#include "harness/run_process.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

using namespace blazed;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

struct SyncDaemon : testing::ControlFixture {
  std::vector<json::object> list_calls;
  std::vector<json::object> sync_calls;
  int next_job = 41;

  SyncDaemon() {
    REQUIRE(commands.register_command("sellers.list", control::Effect::read_only, [this](const control::Request& r) -> asio::awaitable<Result<json::value>> {
      list_calls.push_back(r.args);
      co_return json::parse(R"({"sellers":[
        {"id":1,"region":"na","status":"active","sync":{
          "orders":{"last_sync":"2026-11-29T21:40:00Z","lag_seconds":7300,"in_progress":true,"last_error":null},
          "transactions":{"last_sync":null,"lag_seconds":null,"in_progress":false,"last_error":"spapi_server_error: HTTP 503"}}},
        {"id":2,"region":"eu","status":"needs_reauth","sync":{}}]})");
    }));
    REQUIRE(commands.register_command("sync", control::Effect::mutating, [this](const control::Request& r) -> asio::awaitable<Result<json::value>> {
      sync_calls.push_back(r.args);
      auto seller = control::args::get_int(r, "seller");
      if (!seller) co_return seller.error();
      const bool dup = sync_calls.size() > 1;
      co_return json::value(json::object{{"seller", *seller}, {"data", r.args.at("data")},
                                         {"job_id", dup ? next_job : ++next_job}, {"already_queued", dup}});
    }));
    REQUIRE(start());
  }
  ~SyncDaemon() { stop(); }

  testing::ProcessResult ctl(std::vector<std::string> args) {
    args.insert(args.begin(), {BLAZECTL_PATH, "--socket", cfg.socket});
    return testing::run_process(args, {{"BLAZED_SOCKET", ""}});
  }
};

}  // namespace

TEST_CASE("blazectl sellers list prints one line per seller and data type", "[unit]") {
  SyncDaemon d;
  auto r = d.ctl({"sellers", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("SELLER") == 0);
  CHECK(r.out.find("1       active        orders*       2026-11-29T21:40:00Z  2h      -\n") != std::string::npos);
  CHECK(r.out.find("transactions  -                     -       spapi_server_error: HTTP 503\n") != std::string::npos);
  CHECK(r.out.find("2       needs_reauth  -             never") != std::string::npos);
  auto j = d.ctl({"--json", "sellers", "list"});
  REQUIRE(j.exit_code == 0);
  CHECK(json::parse(j.out).at("sellers").as_array().size() == 2);
  CHECK(d.ctl({"sellers", "list", "extra"}).exit_code == 2);
  CHECK(d.list_calls.size() == 2);
  CHECK(d.list_calls[0].empty());
}

TEST_CASE("blazectl sellers list sends the sort and the limit, and refuses bad ones", "[unit]") {
  SyncDaemon d;
  REQUIRE(d.ctl({"sellers", "list", "--sort", "lag", "--limit", "20"}).exit_code == 0);
  REQUIRE(d.ctl({"sellers", "list", "--limit", "5"}).exit_code == 0);
  REQUIRE(d.list_calls.size() == 2);
  CHECK(d.list_calls[0] == json::object{{"sort", "lag"}, {"limit", 20}});
  CHECK(d.list_calls[1] == json::object{{"limit", 5}});

  CHECK(d.ctl({"sellers", "list", "--sort", "name"}).exit_code == 2);
  CHECK(d.ctl({"sellers", "list", "--sort"}).exit_code == 2);
  CHECK(d.ctl({"sellers", "list", "--limit", "0"}).exit_code == 2);
  CHECK(d.ctl({"sellers", "list", "--limit", "5x"}).exit_code == 2);
  CHECK(d.list_calls.size() == 2);
}

TEST_CASE("blazectl sync sends the seller and data type, and says when one is already queued", "[unit]") {
  SyncDaemon d;
  auto r = d.ctl({"sync", "7", "--orders"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "seller 7 orders: queued as job 42\n");
  r = d.ctl({"sync", "7", "--orders"});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "seller 7 orders: already queued as job 42\n");
  CHECK(d.ctl({"sync", "7"}).exit_code == 0);
  REQUIRE(d.sync_calls.size() == 3);
  CHECK(d.sync_calls[0] == json::object{{"seller", 7}, {"data", "orders"}});
  CHECK(d.sync_calls[2] == json::object{{"seller", 7}, {"data", "all"}});

  CHECK(d.ctl({"sync"}).exit_code == 2);
  CHECK(d.ctl({"sync", "x7"}).exit_code == 2);
  CHECK(d.ctl({"sync", "7", "--orders", "--transactions"}).exit_code == 2);
  CHECK(d.ctl({"sync", "7", "8"}).exit_code == 2);
  CHECK(d.sync_calls.size() == 3);
}
