// Owns one request/reply exchange with the daemon: builds the request line, reads the reply
// with the matching id, and splits it into result or error.
#pragma once

#include "ctl/connection.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace blazed::ctl {

struct Reply {
  boost::json::value id;
  bool ok = false;
  boost::json::value result;  // when ok
  Error error;                // when !ok: the daemon's code and message
};

// Parses one reply line; fails with "bad_reply" when it is not a protocol reply.
Result<Reply> parse_reply(std::string_view line);

// Sends {"id":id,"command":command,"args":args} and waits for its reply. Transport failures are
// the Result's error (codes of Connection, or "bad_reply"); a command's own failure is a Reply
// with ok == false.
Result<Reply> call(Connection& conn, std::string_view command, const boost::json::object& args,
                   const boost::json::value& id = 1);

}  // namespace blazed::ctl
