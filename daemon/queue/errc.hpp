// Owns the error codes of daemon/queue: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::queue::errc {

inline constexpr ErrorCode redis_protocol{"redis_protocol", "daemon/queue"};
inline constexpr ErrorCode bad_job{"bad_job", "daemon/queue"};
inline constexpr ErrorCode bad_queue_name{"bad_queue_name", "daemon/queue"};
inline constexpr ErrorCode conflict{"conflict", "daemon/queue"};
inline constexpr ErrorCode permanent{"permanent", "daemon/queue"};
inline constexpr ErrorCode exception{"exception", "daemon/queue"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{
    redis_protocol, bad_job, bad_queue_name, conflict, permanent, exception
};

}  // namespace blazed::queue::errc
