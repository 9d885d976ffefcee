// Owns the control protocol's wire format (see protocol.hpp).
#include "control/protocol.hpp"

#include "core/redact.hpp"
#include "core/secret.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <new>

namespace blazed::control {

namespace {

// Where a parsed request lives: every block is overwritten before it goes back to the heap. A
// request may carry a refresh token (sellers.connect); this way no copy is left whichever path
// frees the document: a parse error half-way, a refused request, or the session once the command
// is done (the Request's args share this storage).
class WipingResource final : public boost::json::memory_resource {
  void* do_allocate(std::size_t n, std::size_t align) override {
    if (align > __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator new(n, std::align_val_t(align));
    return ::operator new(n);
  }
  // Unsized deletes: clang (the fuzz build) does not declare the sized ones by default.
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    secure_wipe(p, n);
    if (align > __STDCPP_DEFAULT_NEW_ALIGNMENT__) return ::operator delete(p, std::align_val_t(align));
    ::operator delete(p);
  }
  [[nodiscard]] bool do_is_equal(const boost::json::memory_resource& other) const noexcept override {
    return this == &other;
  }
};

boost::json::storage_ptr wiping_storage() {
  // Never destroyed: a document may outlive static destruction's order.
  static auto* resource = new WipingResource;
  return boost::json::storage_ptr(resource);
}

}  // namespace

Result<Request> parse_request(std::string_view line, boost::json::value& id) {
  id = nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(line, ec, wiping_storage());
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
  auto* cmd = obj.if_contains("command");
  if (cmd == nullptr || !cmd->is_string() || cmd->as_string().empty()) {
    return make_error(codes::missing_command, "request needs a non-empty string \"command\"");
  }
  // Moved, never copied: the args keep the wiping storage (a copy would take the default one).
  boost::json::object args(v.storage());
  if (auto* a = obj.if_contains("args"); a != nullptr && !a->is_null()) {
    if (!a->is_object()) return make_error(codes::bad_args, "args must be a JSON object");
    args = std::move(a->as_object());
  }
  return Request{id, std::string(cmd->as_string()), std::move(args), {}};
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
