// Owns what the control socket hands the audit trail about each mutating command: who asked
// (uid, gid, pid, role), which command, its arguments with secrets left out, and the outcome.
#pragma once

#include "control/protocol.hpp"
#include "control/registry.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <functional>
#include <string>

namespace blazed::control {

struct CommandAudit {
  enum class Outcome { success, failure, denied };
  std::string command;
  Peer peer;
  Role role = Role::none;
  boost::json::object args;  // secret-free (audit_args)
  Outcome outcome = Outcome::success;
  std::string error_code;    // empty on success
};

// Where the server sends each record; the composition root writes it to audit_events. It runs
// before the reply is sent and must not throw; it reports its own failures.
using AuditSink = std::function<boost::asio::awaitable<void>(const CommandAudit&)>;

std::string_view outcome_name(CommandAudit::Outcome outcome);

// The request's arguments as the audit trail may hold them: each argument the command declared
// secret becomes "[secret]", any value the redaction pass would mask becomes "[redacted]", and a
// long string is cut, so the record says what was asked without carrying what must not be kept.
boost::json::object audit_args(const CommandRegistry::Entry& command, const boost::json::object& args);

}  // namespace blazed::control
