#include "queue/claimed_job.hpp"

#include <string_view>

namespace blazed::queue {

std::optional<std::size_t> read_claimed_job(const redis::Reply& reply, std::size_t at, Job& job) {
  if (at + 2 > reply.size()) return std::nullopt;
  const auto count = reply[at + 1].to_int();
  if (!count || *count < 0 || *count % 2 != 0) return std::nullopt;
  const auto end = at + 2 + static_cast<std::size_t>(*count);
  if (end > reply.size()) return std::nullopt;
  job.id = reply[at].to_int().value_or(0);
  // Absent fields keep their defaults: 0 (the type's default) for m, o, r, a, c, h; '' for u, g.
  std::int64_t ended = 0;  // runs that ended: a, or c - h for a job written before a existed
  for (std::size_t i = at + 2; i < end; i += 2) {
    const std::string_view name = reply[i].str();
    const redis::Reply& field = reply[i + 1];
    const std::string& value = field.str();
    // Only the numeric fields are parsed (not the payload).
    const auto number = [&field] { return field.to_int().value_or(0); };
    if (name == "t") job.type = value;
    else if (name == "p") job.payload = value;
    else if (name == "m") job.max_attempts = static_cast<int>(number());
    else if (name == "o") job.timeout = std::chrono::milliseconds{number()};
    else if (name == "rd") job.ready_us = number();
    else if (name == "u") job.unique_key = value;
    else if (name == "g") job.group = value;
    else if (name == "r") job.priority = static_cast<int>(number());
    else if (name == "a" || name == "c") ended += number();
    else if (name == "h") ended -= number();
    // err, why and d (a retried or revived job's history) are not the run's business.
  }
  job.attempt = static_cast<int>(1 + ended);
  return end;
}

}  // namespace blazed::queue
