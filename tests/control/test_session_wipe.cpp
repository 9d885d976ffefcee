// Tests that a control session leaves no copy of a refresh token in memory it frees: the read
// buffer, the request line and the parsed JSON are overwritten before they go back to the heap.
// This executable replaces the global operator new/delete so that every block the server's io
// thread frees is searched for the token first (its own binary: no other test pays for that).
#include "control/peer.hpp"
#include "control_fixture.hpp"
#include "ctl/client.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>
#include <openssl/crypto.h>

#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

using namespace blazed;
using blazed::testing::ControlFixture;
namespace json = boost::json;
namespace asio = boost::asio;

namespace {

// Every piece of the token carries this marker, so a partial copy is found too.
constexpr char kMarker[] = "wipecanary";

// The thread whose frees are searched (the server's io thread), and what was found.
std::atomic<std::thread::id> watched_thread{};
std::atomic<int> blocks_with_token{0};

void inspect_before_free(void* p) noexcept {
  if (p == nullptr || watched_thread.load(std::memory_order_relaxed) != std::this_thread::get_id()) return;
  // The block's size as the allocator knows it (ASan: the size asked for).
  const std::size_t n = ::malloc_usable_size(p);
  if (::memmem(p, n, kMarker, sizeof kMarker - 1) != nullptr) ++blocks_with_token;
}

void* allocate(std::size_t n) {
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}

// A refresh token's shape, long enough to live on the heap in every string type involved.
std::string make_token() {
  std::string t = "Atzr|IwEBI";
  for (int i = 0; i < 24; ++i) t += std::string("-") + kMarker + std::to_string(i);
  return t;
}

void register_connect(ControlFixture& f, const std::string& token, int& saw_token) {
  auto handler = [&token, &saw_token](const control::Request& r) -> asio::awaitable<Result<json::value>> {
    // Compared in place: the handler makes no copy the test would then blame on the session.
    if (const auto* t = r.args.if_contains("refresh_token"); t != nullptr && t->is_string() && t->as_string() == token)
      ++saw_token;
    co_return json::value(json::object{{"seller_id", 1}});
  };
  REQUIRE(f.commands.register_command("sellers.connect", control::Effect::mutating, handler, "store a token",
                                      {"refresh_token"}));
}

// Writes `line` and reads one reply (on the test's thread: its own copies are not searched).
json::object request(ctl::Connection& c, const std::string& line) {
  REQUIRE(c.write_all(line));
  auto reply = c.read_line();
  REQUIRE(reply);
  return json::parse(*reply).as_object();
}

}  // namespace

// Every form that pairs with the deletes below (ASan's runtime defines the nothrow ones itself).
void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return std::malloc(n == 0 ? 1 : n); }
void operator delete(void* p, const std::nothrow_t&) noexcept {
  inspect_before_free(p);
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  inspect_before_free(p);
  std::free(p);
}
void operator delete(void* p) noexcept {
  inspect_before_free(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  inspect_before_free(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  inspect_before_free(p);
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  inspect_before_free(p);
  std::free(p);
}

TEST_CASE("the search finds a token left in a freed block of the io thread", "[unit]") {
  ControlFixture f;
  REQUIRE(f.start());
  const std::string token = make_token();
  blocks_with_token = 0;
  watched_thread = f.thread.get_id();
  f.on_io([&] { std::string copy = token; });  // freed unwiped
  f.on_io([&] { std::string copy = token; OPENSSL_cleanse(copy.data(), copy.size()); });
  watched_thread = std::thread::id{};
  CHECK(blocks_with_token == 1);
}

TEST_CASE("a session wipes the read buffer, the line and the parsed request of sellers.connect", "[unit]") {
  ControlFixture f;
  const std::string token = make_token();
  int saw_token = 0;
  register_connect(f, token, saw_token);
  REQUIRE(f.start(control::PeerPolicy({}, {{getuid()}, {}}, {})));
  blocks_with_token = 0;
  watched_thread = f.thread.get_id();
  {
    auto c = ctl::Connection::open(f.cfg.socket, std::chrono::seconds(20)).value();
    const std::string args = R"({"region":"eu","marketplaces":["A1PA6795UKMFR9"],"refresh_token":")" + token + "\"}";
    SECTION("carried out") {
      auto reply = request(c, R"({"id":1,"command":"sellers.connect","args":)" + args + "}\n");
      CHECK(reply.at("ok") == true);
      CHECK(saw_token == 1);
    }
    SECTION("refused before it reaches a command") {
      // No command, an unknown one, args of the wrong type, a line that is not JSON.
      CHECK(request(c, R"({"id":2,"args":)" + args + "}\n").at("ok") == false);
      CHECK(request(c, R"({"id":3,"command":"sellers.nope","args":)" + args + "}\n").at("ok") == false);
      CHECK(request(c, R"({"id":4,"command":"sellers.connect","args":[")" + token + "\"]}\n").at("ok") == false);
      CHECK(request(c, R"({"id":5,"command":"sellers.connect","args":)" + args + "\n").at("ok") == false);
      CHECK(saw_token == 0);
    }
  }
  // The session, its buffers and the server go away on the io thread: every block they held is
  // searched as it is freed.
  f.stop();
  watched_thread = std::thread::id{};
  CHECK(blocks_with_token == 0);
}
