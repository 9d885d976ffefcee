// Owns `blazectl sellers connect`: sends a seller's region, marketplaces and LWA refresh token to
// the daemon. The token is read from a file or stdin (echo off on a terminal), never from argv.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/secret_input.hpp"

#include <boost/json/array.hpp>

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage =
    "sellers connect --region na|eu|fe --marketplace ID [--marketplace ID ...] [--partner-id ID] "
    "[--token-file FILE]  (token on stdin without --token-file; a known --partner-id replaces that "
    "seller's token)";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::string region;
  std::string partner_id;
  json::array marketplaces;
  std::string source = "-";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--token" || a == "--refresh-token") {
      return ctx.usage_error("the refresh token is never taken from the command line; use "
                             "--token-file FILE or standard input", usage);
    }
    if ((a == "--region" || a == "--marketplace" || a == "--partner-id" || a == "--token-file") &&
        i + 1 < args.size()) {
      const auto& v = args[++i];
      if (a == "--region") region = v;
      else if (a == "--marketplace") marketplaces.emplace_back(v);
      else if (a == "--partner-id") partner_id = v;
      else source = v;
    } else {
      return ctx.usage_error("unexpected argument \"" + a + "\"", usage);
    }
  }
  if (region.empty()) return ctx.usage_error("--region is required", usage);
  if (marketplaces.empty()) return ctx.usage_error("at least one --marketplace is required", usage);
  auto token = read_secret(source, "LWA refresh token: ");
  if (!token) {
    ctx.err << "blazectl: " << token.error().message << "\n";
    return exit_code::usage;
  }
  json::object call_args{{"region", region}, {"marketplaces", std::move(marketplaces)},
                         {"refresh_token", token->reveal()}};
  if (!partner_id.empty()) call_args["partner_id"] = partner_id;
  auto reply = ctx.call("sellers.connect", call_args);
  // The request held the token in clear: wipe it before anything else happens.
  if (auto& t = call_args["refresh_token"].as_string(); !t.empty()) secure_wipe(t.data(), t.size());
  return ctx.finish(reply, [&](const json::value& r) {
    ctx.out << "seller " << field_int(r, "seller_id")
            << (field_bool(r, "replaced") ? " reconnected: its token replaced" : " connected")
            << " (token sealed under key " << field_text(r, "key_id") << ")\n";
  });
}

const Registrar reg{{"sellers connect", "connect a seller; its refresh token is read from stdin or a file",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
