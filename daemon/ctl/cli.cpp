// Owns blazectl's subcommand table and the shared call-print-exit path (see cli.hpp).
#include "ctl/cli.hpp"

#include "core/errc.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace blazed::ctl {
namespace {

std::map<std::string, Subcommand>& table() {
  static std::map<std::string, Subcommand> t;
  return t;
}

}  // namespace

const std::map<std::string, Subcommand>& subcommands() { return table(); }

Registrar::Registrar(Subcommand sub) {
  auto name = sub.name;
  table().emplace(std::move(name), std::move(sub));
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
