// Owns call_command: runs a registered operator command as blazectl would (from uid 1234) on a
// test's io_context, for the job tests' worlds.
#pragma once

#include "control/registry.hpp"
#include "harness/run_coro.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>
#include <catch2/catch.hpp>

#include <string>

namespace blazed::testing {

inline Result<boost::json::value> call_command(boost::asio::io_context& io, control::CommandRegistry& registry,
                                               const std::string& name, boost::json::object args = {}) {
  control::Request req;
  req.id = 1;
  req.command = name;
  req.args = std::move(args);
  req.peer.uid = 1234;
  auto entry = registry.find(name);
  REQUIRE(entry.has_value());
  return run_coro(io, entry->handler(req));
}

}  // namespace blazed::testing
