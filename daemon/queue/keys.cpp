// Owns building the queue's key names and validating queue names.
#include "queue/keys.hpp"

#include "queue/errc.hpp"

#include <algorithm>
#include <cctype>

namespace blazed::queue {

Result<QueueKeys> QueueKeys::make(std::string_view queue) {
  bool ok = !queue.empty() && queue.size() <= 64 && std::all_of(queue.begin(), queue.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == '-';
  });
  if (!ok) return make_error(errc::bad_queue_name, "queue names are 1-64 of [A-Za-z0-9_.-]");
  return QueueKeys(queue);
}

QueueKeys::QueueKeys(std::string_view queue) : queue_(queue), prefix_("{q:" + queue_ + "}:") {}

std::string QueueKeys::job(std::int64_t id) const {
  return key(key_suffix::job) + std::to_string(id);
}
std::string QueueKeys::unique(std::string_view unique_key) const {
  return key(key_suffix::unique) + std::string(unique_key);
}
std::string QueueKeys::group_lock(std::string_view group) const {
  return key(key_suffix::group_lock) + std::string(group);
}
std::string QueueKeys::group_wait(std::string_view group) const {
  return key(key_suffix::group_wait) + std::string(group);
}

}  // namespace blazed::queue

namespace blazed::queue {

std::string schedule_last_key(std::string_view schedule) {
  return "{sched:" + std::string(schedule) + "}:last";
}
std::string schedule_fence_key(std::string_view schedule, std::int64_t tick_ms) {
  return "{sched:" + std::string(schedule) + "}:fence:" + std::to_string(tick_ms);
}
std::string seller_slot_fence_key(std::int64_t seller_id, std::int64_t slot_ms) {
  return "{sync:" + std::to_string(seller_id) + "}:fence:" + std::to_string(slot_ms);
}
std::string rate_limit_key(std::int64_t seller_id, std::string_view operation) {
  return "{rl:" + std::to_string(seller_id) + "}:" + std::string(operation);
}
std::vector<std::string> seller_key_patterns(std::int64_t seller_id) {
  return {"{sync:" + std::to_string(seller_id) + "}:*", rate_limit_key(seller_id, "*")};
}

}  // namespace blazed::queue
