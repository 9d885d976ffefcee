// Owns the control protocol's wire format: one JSON object per line in each direction, the
// Request a handler sees, the reply lines, and the stable error codes.
#pragma once

#include "control/errc.hpp"
#include "core/errc.hpp"
#include "core/error.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace blazed::control {

// Error codes the server itself produces (handlers add their own, e.g. "not_found").
namespace codes {
inline constexpr const char* bad_json = errc::bad_json.name.data();  // the line is not JSON
inline constexpr const char* not_object = errc::not_object.name.data();  // JSON, but not an object
inline constexpr const char* missing_command = errc::missing_command.name.data();
inline constexpr const char* unknown_command = errc::unknown_command.name.data();
inline constexpr const char* bad_args = errc::bad_args.name.data();  // args missing, wrong type or invalid
inline constexpr const char* line_too_long = errc::line_too_long.name.data();  // connection closed after it
inline constexpr const char* idle_timeout = errc::idle_timeout.name.data();  // connection closed after it
inline constexpr const char* busy = blazed::errc::busy.name.data();  // too many clients; closed
inline constexpr const char* forbidden = blazed::errc::forbidden.name.data();  // peer not allowed; closed
inline constexpr const char* shutting_down = errc::shutting_down.name.data();
inline constexpr const char* internal = errc::internal.name.data();  // a handler threw
}  // namespace codes

// Who is on the other end, from the kernel (SO_PEERCRED / SO_PEERGROUPS) at connect time.
struct Peer {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
};

struct Request {
  boost::json::value id;      // echoed as given (string, number or null)
  std::string command;
  boost::json::object args;   // empty when the request has none
  Peer peer;
};

// Parses one line (without its newline). `id` receives the request's id as soon as it is known,
// so that even a rejected request gets its id echoed.
Result<Request> parse_request(std::string_view line, boost::json::value& id);

// Reply lines, each ending in '\n'. Error messages and every string of a result pass through
// blazed::redact (on the raw text, before JSON escaping).
std::string ok_reply(const boost::json::value& id, const boost::json::value& result);
std::string error_reply(const boost::json::value& id, const Error& error);

}  // namespace blazed::control
