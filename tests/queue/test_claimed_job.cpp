// Tests reading claimed jobs out of the claim script's reply: every field the producer stores
// reaches the handler (through real Redis), and a reply cut short is refused, not half-read.
#include "queue/claimed_job.hpp"
#include "queue_fixture.hpp"

using namespace blazed;
using namespace blazed::queue;
using namespace blazed::queue::test;

TEST_CASE("a claimed job carries every option it was enqueued with", "[redis]") {
  QueueFixture f;
  EnqueueOptions o;
  o.unique_key = "sync:7";
  o.group = "seller:7";
  o.priority = 3;
  o.max_attempts = 4;
  o.timeout = 2500ms;
  const auto id = f.enqueue("sync", R"({"seller":7})", o);
  const auto plain = f.enqueue("sync", "{}");
  std::vector<Job> seen;
  Handlers h;
  h.add("sync", {[&](const Job& j) -> asio::awaitable<queue::HandlerOutcome> {
          seen.push_back(j);
          co_return Status{};
        }});
  auto p = f.processor(std::move(h));
  f.wait_for([&] { return seen.size() == 2; });
  f.run(p->stop(1s));

  // Priority 3 runs first.
  const Job& j = seen[0];
  CHECK(j.id == id);
  CHECK(j.type == "sync");
  CHECK(j.payload == R"({"seller":7})");
  CHECK(j.unique_key == "sync:7");
  CHECK(j.group == "seller:7");
  CHECK(j.priority == 3);
  CHECK(j.max_attempts == 4);
  CHECK(j.timeout == 2500ms);
  CHECK(j.attempt == 1);
  CHECK(j.ready_us > 0);
  CHECK(j.token > (std::int64_t{1} << 32));
  CHECK(j.queue == f.keys.queue());
  // Fields at their default are not stored, and read back as the defaults.
  const Job& d = seen[1];
  CHECK(d.id == plain);
  CHECK(d.payload == "{}");
  CHECK(d.unique_key.empty());
  CHECK(d.group.empty());
  CHECK(d.priority == 0);
  CHECK(d.max_attempts == 0);
  CHECK(d.timeout == 0ms);
}

TEST_CASE("a claimed job's fields: any order, unknown ones skipped, a short reply refused") {
  using redis::Reply;
  const auto s = [](const char* v) { return Reply::string(v); };
  const Reply reply = Reply::array({
      s("12"), Reply::integer(10),
      s("err"), s("boom"), s("p"), s("{}"), s("a"), s("2"), s("t"), s("sync"), s("rd"), s("99"),
      s("13"), Reply::integer(6), s("t"), s("x"), s("c"), s("3"), s("h"), s("1"),
      s("14"), Reply::integer(4), s("t"), s("y"),  // claims two pairs, holds one
  });
  Job a;
  const auto next = read_claimed_job(reply, 0, a);
  REQUIRE(next == 12u);
  CHECK(a.id == 12);
  CHECK(a.type == "sync");
  CHECK(a.payload == "{}");
  CHECK(a.attempt == 3);
  CHECK(a.ready_us == 99);
  // A job of the earlier shape: c claims and h hand-backs.
  Job b;
  REQUIRE(read_claimed_job(reply, *next, b) == 20u);
  CHECK(b.attempt == 3);
  Job c;
  CHECK_FALSE(read_claimed_job(reply, 20, c).has_value());
  const Reply odd = Reply::array({s("1"), Reply::integer(1), s("t")});
  CHECK_FALSE(read_claimed_job(odd, 0, c).has_value());
}

TEST_CASE("the active set stays a skiplist, and its keeper member is not counted as a job",
          "[redis]") {
  QueueFixture f;
  Gate gate(f.io);
  const auto id = f.enqueue("slow");
  Handlers h;
  h.add("slow", {[&](const Job&) -> asio::awaitable<queue::HandlerOutcome> {
          co_await gate.wait();
          co_return Status{};
        }});
  auto p = f.processor(std::move(h));
  f.wait_for([&] { return f.depths().active == 1; });
  // Two members: the job's and the keeper; a listpack would say "listpack".
  CHECK(f.cmd({"ZCARD", f.keys.active()}).as_integer() == 2);
  CHECK(f.cmd({"OBJECT", "ENCODING", f.keys.active()}).str() == "skiplist");
  auto page = f.run(f.inspector.list(State::active, 0, 10)).value();
  CHECK(page.total == 1);
  REQUIRE(page.jobs.size() == 1);
  CHECK(page.jobs[0].id == id);
  // The keeper never lapses: recovery does not see it.
  CHECK(f.run(f.recoverer.recover_once()).value() == 0);
  gate.open();
  f.wait_for([&] { return f.depths().active == 0; });
  CHECK(f.cmd({"ZCARD", f.keys.active()}).as_integer() == 1);
  f.run(p->stop(1s));
}
