// Owns the secret-free form of a mutating command's arguments (see command_audit.hpp).
#include "control/command_audit.hpp"

#include "core/redact.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace blazed::control {
namespace json = boost::json;

namespace {

// Enough for ids, names and flags; a longer value is not what an auditor reads.
constexpr std::size_t kMaxAuditedChars = 256;

json::value audited_value(const json::value& v) {
  std::string text = v.is_string() ? std::string(v.as_string()) : json::serialize(v);
  if (redact(text) != text) return "[redacted]";
  if (text.size() > kMaxAuditedChars) return json::string(text.substr(0, kMaxAuditedChars) + "...");
  return v;
}

}  // namespace

std::string_view outcome_name(CommandAudit::Outcome outcome) {
  switch (outcome) {
    case CommandAudit::Outcome::success: return "success";
    case CommandAudit::Outcome::failure: return "failure";
    case CommandAudit::Outcome::denied: return "denied";
  }
  return "failure";
}

json::object audit_args(const CommandRegistry::Entry& command, const json::object& args) {
  json::object out;
  for (const auto& [key, value] : args) {
    const auto& secret = command.secret_args;
    bool is_secret = std::find(secret.begin(), secret.end(), std::string_view(key)) != secret.end();
    std::string name(key.substr(0, kMaxAuditedChars));
    if (redact(name) != name) continue;  // a key can carry a secret as well as a value
    out[name] = is_secret ? json::value("[secret]") : audited_value(value);
  }
  return out;
}

}  // namespace blazed::control
