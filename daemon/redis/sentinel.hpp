// Owns asking Redis Sentinel where the master is (SENTINEL get-master-addr-by-name), for
// redis+sentinel:// endpoints; asked anew before every connect so a failover is followed.
#pragma once

#include "core/error.hpp"
#include "redis/endpoint.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>

namespace blazed::redis {

// Asks the endpoint's sentinels in order; the first that names the master wins. Over TLS when
// `tls` is given. Fails "redis_no_master" (with every sentinel's reason) when none does.
boost::asio::awaitable<Result<HostPort>> discover_master(boost::asio::any_io_executor executor,
                                                         const Endpoint& endpoint,
                                                         boost::asio::ssl::context* tls,
                                                         std::chrono::milliseconds timeout);

}  // namespace blazed::redis
