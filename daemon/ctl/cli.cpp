// Owns blazectl's subcommand table and the shared call-print-exit path (see cli.hpp).
#include "ctl/cli.hpp"

#include "core/errc.hpp"
#include "ctl/render.hpp"

#include <boost/json/serialize.hpp>

#include <istream>
#include <ostream>

namespace blazed::ctl {
namespace {

std::map<std::string, Subcommand>& registered() {
  static std::map<std::string, Subcommand> t;
  return t;
}

// What to do about a refusal the operator can act on from where they sit (the rest: docs/errors.md).
// The daemon's codes are named as strings: blazed_ctl links only core.
std::string_view fix_for(const std::string& code) {
  if (code == blazed::errc::forbidden)
    return "read commands need group blazed (or control.read_uids/read_gids); changes need root or "
           "control.admin_uids/admin_gids";
  if (code == "role_required")
    return "this command changes something: run it as root (sudo) or as a member of control.admin_gids";
  if (code == blazed::errc::busy) return "the daemon serves control.max_clients at once: retry in a moment";
  if (code == "unknown_command") return "blazectl and blazed differ in version? (blazectl --version)";
  return {};
}

}  // namespace

const std::map<std::string, Subcommand>& subcommands() { return registered(); }

Registrar::Registrar(Subcommand sub) {
  auto name = sub.name;
  registered().emplace(std::move(name), std::move(sub));
}

Result<Reply> Context::call(std::string_view command, const boost::json::object& args) {
  auto conn = Connection::open(socket_path, timeout);
  if (!conn) return conn.error();
  return ctl::call(*conn, command, args);
}

int Context::finish(const Result<Reply>& reply,
                    const std::function<void(const boost::json::value&)>& human) {
  if (!reply) {
    err << "blazectl: cannot reach the daemon at " << socket_path << ": "
        << reply.error().message << "\n";
    return exit_code::unreachable;
  }
  if (!reply->ok) {
    const auto& e = reply->error;
    bool refused = e.code == blazed::errc::busy || e.code == blazed::errc::forbidden;
    if (json) {
      out << boost::json::serialize(boost::json::object{{"code", e.code}, {"message", e.message}})
          << "\n";
    }
    err << "blazectl: " << e.code << ": " << e.message << "\n";
    if (auto fix = fix_for(e.code); !fix.empty()) err << "  " << fix << "\n";
    return refused ? exit_code::unreachable : exit_code::command_error;
  }
  if (json) {
    out << boost::json::serialize(reply->result) << "\n";
  } else {
    human(reply->result);
  }
  return exit_code::ok;
}

Subcommand without_args(std::string name, std::string summary, std::string command,
                        std::function<void(Context&, const boost::json::value&)> human) {
  Subcommand sub{name, std::move(summary), name, {}};
  sub.run = [name, command = std::move(command), human = std::move(human)](
                Context& ctx, const std::vector<std::string>& args) {
    if (!args.empty()) return ctx.usage_error("unexpected argument \"" + args[0] + "\"", name);
    return ctx.finish(ctx.call(command), [&](const boost::json::value& r) { human(ctx, r); });
  };
  return sub;
}

int Context::usage_error(std::string_view message, std::string_view usage) {
  err << "blazectl: " << message << "\nusage: blazectl [options] " << usage << "\n";
  return exit_code::usage;
}

}  // namespace blazed::ctl

namespace blazed::ctl {

std::optional<int> Context::confirm(std::string_view what) {
  if (yes) return std::nullopt;
  if (!interactive || in == nullptr) {
    err << "blazectl: this would " << what << "; add --yes to do it without a terminal\n";
    return exit_code::usage;
  }
  err << "This will " << what << ". Go on? [y/N] ";
  std::string answer;
  std::getline(*in, answer);
  if (answer == "y" || answer == "Y" || answer == "yes") return std::nullopt;
  err << "blazectl: nothing done\n";
  return exit_code::command_error;
}

void Context::table(const std::vector<std::string>& header,
                    const std::vector<std::vector<std::string>>& rows) {
  print_table(out, header, rows, !no_headers);
}

}  // namespace blazed::ctl
