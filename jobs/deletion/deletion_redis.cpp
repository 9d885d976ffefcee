// Owns the Redis side of an account deletion (see deletion_redis.hpp).
#include "jobs/deletion/deletion_redis.hpp"

#include "queue/admin.hpp"
#include "queue/inspector.hpp"
#include "queue/keys.hpp"
#include "redis/client.hpp"

#include <boost/json/parse.hpp>

namespace blazed::jobs::deletion {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

constexpr std::size_t kPage = 500;

bool names_seller(const std::string& payload, std::int64_t seller_id) {
  boost::system::error_code ec;
  auto v = json::parse(payload, ec);
  if (ec || !v.is_object()) return false;
  const auto* s = v.as_object().if_contains("seller_id");
  return s != nullptr && s->is_int64() && s->as_int64() == seller_id;
}

asio::awaitable<Result<std::int64_t>> delete_seller_jobs(redis::RedisClient& redis, const Clock& clock,
                                                        const std::string& queue, std::int64_t seller_id,
                                                        std::int64_t keep_job) {
  auto keys = queue::QueueKeys::make(queue);
  if (!keys) co_return keys.error();
  queue::Inspector inspector(redis, *keys);
  queue::QueueAdmin admin(redis, *keys, clock);
  std::int64_t removed = 0;
  for (auto state : {queue::State::pending, queue::State::scheduled, queue::State::retry, queue::State::dead}) {
    std::vector<std::int64_t> ids;
    for (std::size_t offset = 0;; offset += kPage) {
      auto page = co_await inspector.list(state, offset, kPage);
      if (!page) co_return page.error();
      for (const auto& job : page->jobs)
        if (job.id != keep_job && names_seller(job.payload, seller_id)) ids.push_back(job.id);
      if (page->jobs.size() < kPage) break;
    }
    for (auto id : ids) {
      auto st = co_await admin.remove(id);
      // Gone or started meanwhile: a started job finds the seller not active and ends.
      if (st) ++removed;
    }
  }
  co_return removed;
}

asio::awaitable<Result<std::int64_t>> delete_matching(redis::RedisClient& redis, const std::string& pattern) {
  std::int64_t deleted = 0;
  std::string cursor = "0";
  do {
    // Named, not braced in the co_await: g++ 12 mishandles such temporaries across a suspension.
    redis::Args scan{"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"};
    auto reply = co_await redis.command(std::move(scan));
    if (!reply) co_return reply.error();
    if (!reply->is_array() || reply->size() != 2) co_return deleted;
    cursor = (*reply)[0].str();
    for (const auto& key : (*reply)[1].elements()) {
      redis::Args del_key{"DEL", key.str()};
      auto del = co_await redis.command(std::move(del_key));
      if (!del) co_return del.error();
      deleted += del->as_integer();
    }
  } while (cursor != "0");
  co_return deleted;
}

}  // namespace

asio::awaitable<Result<std::int64_t>> delete_seller_redis(redis::RedisClient& redis, const Clock& clock,
                                                          const std::vector<std::string>& queues,
                                                          std::int64_t seller_id, std::int64_t keep_job) {
  std::int64_t total = 0;
  for (const auto& q : queues) {
    auto n = co_await delete_seller_jobs(redis, clock, q, seller_id, keep_job);
    if (!n) co_return n.error();
    total += *n;
  }
  for (const auto& pattern : queue::seller_key_patterns(seller_id)) {
    auto n = co_await delete_matching(redis, pattern);
    if (!n) co_return n.error();
    total += *n;
  }
  co_return total;
}

}  // namespace blazed::jobs::deletion
