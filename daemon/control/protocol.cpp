// Owns the control protocol's wire format (see protocol.hpp).
#include "control/protocol.hpp"

#include "core/redact.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace blazed::control {

Result<Request> parse_request(std::string_view line, boost::json::value& id) {
  id = nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec);
  if (ec) return make_error(codes::bad_json, "request is not valid JSON");
  if (!v.is_object()) return make_error(codes::not_object, "request must be a JSON object");
  auto& obj = v.as_object();
  if (auto* i = obj.if_contains("id")) {
    if (i->is_string() || i->is_number() || i->is_null()) {
      id = *i;
    } else {
      return make_error(codes::bad_json, "id must be a string, a number or null");
    }
  }
  Request req;
  req.id = id;
  auto* cmd = obj.if_contains("command");
  if (cmd == nullptr || !cmd->is_string() || cmd->as_string().empty()) {
    return make_error(codes::missing_command, "request needs a non-empty string \"command\"");
  }
  req.command = std::string(cmd->as_string());
  if (auto* a = obj.if_contains("args"); a != nullptr && !a->is_null()) {
    if (!a->is_object()) return make_error(codes::bad_args, "args must be a JSON object");
    req.args = std::move(a->as_object());
  }
  return req;
}

namespace {

// Every string of a result through the redaction pass, raw, before serialize escapes it: a job's
// last error or a seller's sync error can carry what a remote service echoed back.
void redact_strings(boost::json::value& v) {
  if (v.is_string()) {
    const std::string_view s = v.as_string();
    if (auto clean = redact(s); clean != s) v = clean;
  } else if (v.is_array()) {
    for (auto& e : v.as_array()) redact_strings(e);
  } else if (v.is_object()) {
    for (auto& [k, e] : v.as_object()) redact_strings(e);
  }
}

}  // namespace

std::string ok_reply(const boost::json::value& id, const boost::json::value& result) {
  boost::json::object reply;
  reply["id"] = id;
  reply["ok"] = true;
  reply["result"] = result;
  redact_strings(reply["result"]);
  return boost::json::serialize(reply) + '\n';
}

std::string error_reply(const boost::json::value& id, const Error& error) {
  boost::json::object reply;
  reply["id"] = id;
  reply["ok"] = false;
  reply["error"] = {{"code", error.code}, {"message", redact(error.message)}};
  return boost::json::serialize(reply) + '\n';
}

}  // namespace blazed::control
