// Owns the glue that lets hiredis's async context run on an Asio executor (private to blazed_redis:
// the only header of ours that includes hiredis).
#pragma once

#include <boost/asio/any_io_executor.hpp>

struct redisAsyncContext;

namespace blazed::redis::detail {

// Installs ac->ev hooks that wait for readiness with posix::stream_descriptor::async_wait and call
// redisAsyncHandleRead/Write on `executor`. The descriptor stays owned by hiredis: the cleanup
// hook releases it before hiredis closes it. Fails when the context is already broken.
bool attach(redisAsyncContext* ac, const boost::asio::any_io_executor& executor);

}  // namespace blazed::redis::detail
