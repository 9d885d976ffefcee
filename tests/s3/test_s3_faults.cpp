// Owns the S3 client's failure behaviour against a scripted local server: retries with backoff
// on 5xx, SlowDown, stalls and resets; clean, typed failures; abort of a failed multipart
// upload; nothing secret in errors or logs.
#include "client_fixture.hpp"
#include "fault_server.hpp"
#include "harness/catch_result.hpp"
#include "harness/run_coro.hpp"
#include "s3/multipart.hpp"
#include "s3/sigv4.hpp"

#include "core/log.hpp"

namespace {

using namespace blazed;
using namespace blazed::testing;
using blazed::s3::Client;

struct Fixture {
  boost::asio::io_context io;
  FaultServer server{io};
  std::vector<double> jitter_calls;
  std::unique_ptr<Client> client;
  explicit Fixture(std::function<void(s3::ClientOptions&)> tweak = {}) {
    auto o = test_options(server.endpoint(), "bucket1");
    if (tweak) tweak(o);
    client = make_client(io, o, [this] {
      jitter_calls.push_back(0.25);
      return 0.25;
    });
  }
};

const std::string kBody = "hello, backup";

TEST_CASE("a SlowDown storm is ridden out with backoff", "[unit][s3]") {
  Fixture f;
  f.server.script({FaultStep::s3_error(503, "SlowDown", "Please reduce your request rate."),
                   FaultStep::s3_error(503, "SlowDown"), FaultStep::s3_error(503, "SlowDown")});
  auto r = run_coro(f.io, f.client->put_object("a/b.bin", as_bytes(kBody)));
  REQUIRE(r);
  CHECK(f.server.requests().size() == 4);
  CHECK(f.client->attempts() == 4);
  CHECK(f.jitter_calls.size() == 3);  // one draw per backoff
  // Each attempt is signed afresh and carries the body's hash and checksum.
  for (const auto& req : f.server.requests()) {
    CHECK(req.method == "PUT");
    CHECK(req.target == "/bucket1/a/b.bin");
    CHECK(req.headers.at("x-amz-content-sha256") == s3::sha256_hex(kBody));
    CHECK(req.headers.at("x-amz-checksum-sha256") == s3::sha256_base64(as_bytes(kBody)));
    CHECK(req.headers.at("authorization").rfind("AWS4-HMAC-SHA256 Credential=S3RVER/", 0) == 0);
    CHECK(req.body == kBody);
  }
}

TEST_CASE("5xx until the attempts run out fails cleanly", "[unit][s3]") {
  Fixture f;
  f.server.script(std::vector<FaultStep>(4, FaultStep::s3_error(500, "InternalError", "We encountered an internal error.")));
  auto r = run_coro(f.io, f.client->put_object("k", as_bytes(kBody)));
  REQUIRE(!r);
  CHECK(r.error().code == "s3_unavailable");
  CHECK(r.error().message.find("PutObject: HTTP 500 InternalError") != std::string::npos);
  CHECK(r.error().message.find("after 4 attempts") != std::string::npos);
  CHECK(f.server.requests().size() == 4);

  Fixture g;
  g.server.script(std::vector<FaultStep>(4, FaultStep::s3_error(503, "SlowDown")));
  auto s = run_coro(g.io, g.client->get_object_range("k", 0, 1));
  REQUIRE(!s);
  CHECK(s.error().code == "s3_slow_down");
  // HEAD answers carry no body, so a 503 there is plain unavailability.
  Fixture h;
  h.server.script(std::vector<FaultStep>(4, FaultStep::s3_error(503, "SlowDown")));
  auto t = run_coro(h.io, h.client->head_object("k"));
  REQUIRE(!t);
  CHECK(t.error().code == "s3_unavailable");
}

TEST_CASE("a stalled answer hits the read deadline and is retried", "[unit][s3]") {
  Fixture f([](s3::ClientOptions& o) { o.transport.stall_timeout = std::chrono::milliseconds(300); });
  f.server.script({FaultStep::stalled()});
  auto r = run_coro(f.io, f.client->put_object("k", as_bytes(kBody)));
  REQUIRE(r);
  CHECK(f.server.requests().size() == 2);

  Fixture g([](s3::ClientOptions& o) {
    o.transport.stall_timeout = std::chrono::milliseconds(200);
    o.retry.max_attempts = 2;
  });
  g.server.script({FaultStep::stalled(), FaultStep::stalled()});
  auto s = run_coro(g.io, g.client->get_object_range("k", 0, 9));
  REQUIRE(!s);
  CHECK(s.error().code == "s3_timeout");
}

TEST_CASE("a reset connection is retried on a new one", "[unit][s3]") {
  Fixture f;
  f.server.script({FaultStep::connection_reset(), FaultStep::connection_reset()});
  auto r = run_coro(f.io, f.client->put_object("k", as_bytes(kBody)));
  REQUIRE(r);
  CHECK(f.server.requests().size() == 3);
  CHECK(f.client->connections_opened() == 3);

  Fixture g([](s3::ClientOptions& o) { o.retry.max_attempts = 2; });
  g.server.script({FaultStep::connection_reset(), FaultStep::connection_reset()});
  auto s = run_coro(g.io, g.client->put_object("k", as_bytes(kBody)));
  REQUIRE(!s);
  CHECK(s.error().code == "s3_connection");
}

TEST_CASE("client errors are not retried and carry stable codes", "[unit][s3]") {
  struct Case {
    FaultStep step;
    std::string code;
  };
  for (const auto& c : std::vector<Case>{
           {FaultStep::s3_error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match"), "s3_access_denied"},
           {FaultStep::s3_error(403, "AccessDenied", "Access Denied"), "s3_access_denied"},
           {FaultStep::s3_error(404, "NoSuchKey", "The specified key does not exist."), "s3_not_found"},
           {FaultStep::s3_error(404, "NoSuchBucket", "The specified bucket does not exist"), "s3_no_such_bucket"},
           {FaultStep::s3_error(416, "InvalidRange", "The requested range is not satisfiable"), "s3_invalid_range"},
           {FaultStep::s3_error(400, "InvalidArgument", "bad"), "s3_bad_request"}}) {
    Fixture f;
    f.server.script({c.step});
    auto r = run_coro(f.io, f.client->get_object_range("k", 0, 9));
    REQUIRE(!r);
    CHECK(r.error().code == c.code);
    CHECK(r.error().message.find("REQ123") != std::string::npos);
    CHECK(f.server.requests().size() == 1);
  }
  Fixture h;
  h.server.script({FaultStep{FaultStep::respond, 404, {}, {}}});
  auto head = run_coro(h.io, h.client->head_object("missing"));
  REQUIRE(!head);
  CHECK(head.error().code == "s3_not_found");
}

TEST_CASE("CompleteMultipartUpload's 200 with an Error body is an error (and retried)", "[unit][s3]") {
  Fixture f;
  FaultStep bad = FaultStep::s3_error(200, "InternalError", "try again");
  f.server.script({bad});
  std::vector<s3::CompletedPart> parts = {{1, "\"e1\"", "x", 5}};
  auto r = run_coro(f.io, f.client->complete_multipart_upload("k", "UP-1", parts));
  REQUIRE(r);
  CHECK(f.server.requests().size() == 2);
  CHECK(f.server.requests()[0].body.find("<Part><ETag>&quot;e1&quot;</ETag><PartNumber>1</PartNumber><ChecksumSHA256>x</ChecksumSHA256></Part>") != std::string::npos);
}

TEST_CASE("a failed part aborts the multipart upload", "[unit][s3]") {
  Fixture f;
  // Create, part 1 ok, part 2 refused.
  f.server.script({FaultStep::ok("<InitiateMultipartUploadResult><UploadId>UP-9</UploadId></InitiateMultipartUploadResult>"),
                   FaultStep{FaultStep::respond, 200, {}, {{"ETag", "\"p1\""}}},
                   FaultStep::s3_error(400, "InvalidPart", "nope")});
  // One part out at a time keeps the request order of this script exact.
  s3::MultipartOptions one_at_a_time;
  one_at_a_time.parts_in_flight = 1;
  s3::MultipartUpload up(*f.client, "dump.bin", one_at_a_time);
  const std::string chunk(1024 * 1024, 'x');
  run_coro(f.io, [&]() -> boost::asio::awaitable<void> {
    Status st;
    // Part 2 is sent while part 3 fills; its refusal shows on the write that fills part 3.
    for (int i = 0; i < 20 && st; ++i) st = co_await up.write(as_bytes(chunk));
    REQUIRE(!st);
    CHECK(st.error().code == "s3_bad_request");
    // Everything after the failure returns that failure.
    auto fin = co_await up.finish();
    REQUIRE(!fin);
    CHECK(fin.error().code == "s3_bad_request");
  }());
  const auto& reqs = f.server.requests();
  REQUIRE(reqs.size() == 4);
  CHECK(reqs[0].target == "/bucket1/dump.bin?uploads=");
  CHECK(reqs[0].headers.at("x-amz-checksum-algorithm") == "SHA256");
  CHECK(reqs[1].target == "/bucket1/dump.bin?partNumber=1&uploadId=UP-9");
  CHECK(reqs[1].body.size() == s3::kMinPartSize);
  CHECK(reqs[1].headers.at("x-amz-content-sha256") == s3::sha256_hex(reqs[1].body));
  CHECK(reqs[1].headers.at("x-amz-checksum-sha256") == s3::sha256_base64(as_bytes(reqs[1].body)));
  CHECK(reqs[2].target == "/bucket1/dump.bin?partNumber=2&uploadId=UP-9");
  CHECK(reqs[3].method == "DELETE");
  CHECK(reqs[3].target == "/bucket1/dump.bin?uploadId=UP-9");
  CHECK(up.abort_acknowledged());
}

TEST_CASE("a slow part does not hold the next ones back; parts complete in order", "[unit][s3]") {
  // The second request's answer stalls until the read deadline (part 1 or 2: both go out at
  // once). The other part is sent meanwhile, not after the stall; the completion lists the parts
  // by number whatever order their answers came in.
  Fixture f([](s3::ClientOptions& o) { o.transport.stall_timeout = std::chrono::seconds(2); });
  f.server.script({FaultStep::ok("<InitiateMultipartUploadResult><UploadId>UP-2</UploadId></InitiateMultipartUploadResult>"),
                   FaultStep::stalled()});
  s3::MultipartOptions two;
  two.parts_in_flight = 2;
  s3::MultipartUpload up(*f.client, "dump.bin", two);
  const std::string data(3 * s3::kMinPartSize + 10, 'z');
  auto done = run_coro(f.io, [&]() -> boost::asio::awaitable<Result<s3::ObjectInfo>> {
    const Status st = co_await up.write(as_bytes(data));
    REQUIRE(st);
    co_return co_await up.finish();
  }());
  REQUIRE(done);
  CHECK(done->size == data.size());
  const auto& reqs = f.server.requests();
  REQUIRE(reqs.size() == 7);  // create, 4 parts, the stalled one again, complete
  const std::string part1 = "/bucket1/dump.bin?partNumber=1&uploadId=UP-2";
  const std::string part2 = "/bucket1/dump.bin?partNumber=2&uploadId=UP-2";
  CHECK(((reqs[1].target == part1 && reqs[2].target == part2) || (reqs[1].target == part2 && reqs[2].target == part1)));
  int sent_again = 0;
  for (std::size_t i = 3; i < 6; ++i) sent_again += reqs[i].target == reqs[1].target ? 1 : 0;
  CHECK(sent_again == 1);
  REQUIRE(up.parts().size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(up.parts()[static_cast<std::size_t>(i)].number == i + 1);
  const std::string& complete = reqs.back().body;
  CHECK(complete.find("<PartNumber>1</PartNumber>") < complete.find("<PartNumber>2</PartNumber>"));
  CHECK(complete.find("<PartNumber>3</PartNumber>") < complete.find("<PartNumber>4</PartNumber>"));
}

TEST_CASE("a producer failure aborts; a complete upload sends every part with its checksum", "[unit][s3]") {
  Fixture f;
  s3::MultipartUpload up(*f.client, "x");
  const std::string data(s3::kMinPartSize + 10, 'y');
  run_coro(f.io, [&]() -> boost::asio::awaitable<void> {
    // (co_await stays out of Catch's macros: they expand their argument more than once.)
    const Status st = co_await up.write(as_bytes(data));
    REQUIRE(st);
    co_await up.abort();
  }());
  CHECK(f.server.requests().back().method == "DELETE");

  Fixture g;
  s3::MultipartUpload ok(*g.client, "y");
  auto done = run_coro(g.io, [&]() -> boost::asio::awaitable<Result<s3::ObjectInfo>> {
    const Status st = co_await ok.write(as_bytes(data));
    REQUIRE(st);
    co_return co_await ok.finish();
  }());
  REQUIRE(done);
  CHECK(done->size == data.size());
  CHECK(ok.parts().size() == 2);
  const auto& complete = g.server.requests().back();
  CHECK(complete.method == "POST");
  CHECK(complete.body.find("<PartNumber>2</PartNumber><ChecksumSHA256>" +
                           s3::sha256_base64(as_bytes(data.substr(s3::kMinPartSize)))) != std::string::npos);
}

TEST_CASE("DeleteObjects goes in batches of at most 1000 with Content-MD5", "[unit][s3]") {
  Fixture f;
  f.server.fallback = [](const RecordedRequest&) {
    return FaultStep::ok("<DeleteResult><Error><Key>k7</Key><Code>AccessDenied</Code></Error></DeleteResult>");
  };
  std::vector<std::string> keys;
  for (int i = 0; i < 2345; ++i) keys.push_back("k" + std::to_string(i));
  auto r = run_coro(f.io, f.client->delete_objects(keys));
  REQUIRE(r);
  CHECK(r->batches == 3);
  CHECK(r->deleted == 2345 - 3);
  CHECK(r->failed.size() == 3);
  REQUIRE(f.server.requests().size() == 3);
  for (const auto& req : f.server.requests()) {
    CHECK(req.target == "/bucket1?delete=");
    CHECK(req.headers.count("content-md5") == 1);
  }
  auto count = [](const std::string& body) {
    std::size_t n = 0;
    for (std::size_t p = 0; (p = body.find("<Object>", p)) != std::string::npos; ++p) ++n;
    return n;
  };
  CHECK(count(f.server.requests()[0].body) == 1000);
  CHECK(count(f.server.requests()[2].body) == 345);
}

TEST_CASE("no secret reaches an error message or a log line", "[unit][s3]") {
  std::string captured;
  log::capture_to(&captured);
  {
    boost::asio::io_context io;
    FaultServer server(io);
    auto client = make_client(io, test_options(server.endpoint(), "bucket1"), [] { return 0.0; }, true);
    server.script({FaultStep::s3_error(500, "InternalError"), FaultStep::s3_error(403, "SignatureDoesNotMatch", std::string("echo ") + kCanarySecret)});
    auto r = run_coro(io, client->put_object("k", as_bytes(kBody)));
    REQUIRE(!r);
    CHECK(server.requests().at(0).headers.at("x-amz-security-token") == kCanaryToken);
    // S3's own message is quoted (it never holds our secret in reality); ours add nothing.
    const std::string ours = r.error().code + r.error().message.substr(0, r.error().message.find("echo"));
    CHECK(ours.find(kCanarySecret) == std::string::npos);
    CHECK(r.error().message.find(kCanaryToken) == std::string::npos);
  }
  log::capture_to(nullptr);
  CHECK(captured.find("retrying") != std::string::npos);
  CHECK(captured.find(kCanarySecret) == std::string::npos);
  CHECK(captured.find(kCanaryToken) == std::string::npos);
}

TEST_CASE("a refused connection fails with s3_connection after the retries", "[unit][s3]") {
  boost::asio::io_context io;
  std::uint16_t port = 0;
  {
    FaultServer gone(io);
    port = gone.port();
  }
  auto o = test_options("http://127.0.0.1:" + std::to_string(port), "bucket1");
  o.retry.max_attempts = 2;
  auto client = make_client(io, o);
  auto r = run_coro(io, client->head_object("k"));
  REQUIRE(!r);
  CHECK(r.error().code == "s3_connection");
}

}  // namespace
