// Owns one request/reply exchange with the daemon (see client.hpp).
#include "ctl/client.hpp"

#include "ctl/errc.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace blazed::ctl {

Result<Reply> parse_reply(std::string_view line) {
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return make_error(errc::bad_reply, "the daemon's reply is not a JSON object");
  auto& o = v.as_object();
  auto* ok = o.if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) return make_error(errc::bad_reply, "the reply has no \"ok\"");
  Reply r;
  if (auto* id = o.if_contains("id")) r.id = *id;
  r.ok = ok->as_bool();
  if (r.ok) {
    if (auto* res = o.if_contains("result")) r.result = *res;
    return r;
  }
  auto* err = o.if_contains("error");
  if (err == nullptr || !err->is_object()) return make_error(errc::bad_reply, "error reply without error");
  auto& e = err->as_object();
  auto text = [&](const char* key) -> std::string {
    auto* f = e.if_contains(key);
    return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
  };
  r.error = Error{text("code"), text("message")};
  return r;
}

Result<Reply> call(Connection& conn, std::string_view command, const boost::json::object& args,
                   const boost::json::value& id) {
  boost::json::object req{{"id", id}, {"command", command}};
  if (!args.empty()) req["args"] = args;
  auto written = conn.write_all(boost::json::serialize(req) + '\n');
  // A refusal (busy, forbidden) is sent before the request is read, and the daemon closes: the
  // write may then fail while the refusal waits to be read.
  auto line = conn.read_line();
  if (!line) return written ? line.error() : written.error();
  return parse_reply(*line);
}

}  // namespace blazed::ctl
