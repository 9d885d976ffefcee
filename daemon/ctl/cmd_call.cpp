// Owns `blazectl call`: runs any command the daemon registered, with string arguments from
// --arg KEY=VALUE or a whole args object from --args JSON.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <boost/json/parse.hpp>

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "call COMMAND [--arg KEY=VALUE ...] [--args JSON_OBJECT]";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::string command;
  json::object obj;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--arg" || a == "--args") {
      if (i + 1 >= args.size()) return ctx.usage_error(a + " needs a value", usage);
      const auto& v = args[++i];
      if (a == "--arg") {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0) {
          return ctx.usage_error("--arg needs KEY=VALUE, got \"" + v + "\"", usage);
        }
        obj[v.substr(0, eq)] = v.substr(eq + 1);
      } else {
        boost::system::error_code ec;
        auto parsed = json::parse(v, ec);
        if (ec || !parsed.is_object()) return ctx.usage_error("--args needs a JSON object", usage);
        for (auto& [k, val] : parsed.as_object()) obj[k] = val;
      }
    } else if (a.starts_with("--arg=")) {
      return ctx.usage_error("write --arg KEY=VALUE (with a space)", usage);
    } else if (command.empty() && !a.starts_with("-")) {
      command = a;
    } else {
      return ctx.usage_error("unexpected argument \"" + a + "\"", usage);
    }
  }
  if (command.empty()) return ctx.usage_error("call needs a COMMAND", usage);
  return ctx.finish(ctx.call(command, obj),
                    [&](const json::value& r) { ctx.out << render_human(r); });
}

const Registrar reg{{"call", "run any command the daemon knows (blazectl call commands lists them)",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
