// Owns `blazectl sellers reauthorize SELLER_ID`: gives a needs_reauth seller its new LWA refresh
// token (read from a file or stdin, never from argv, as `sellers connect` does), then asks for its
// sync at once: it resumes from its cursors.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/secret_input.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "sellers reauthorize SELLER_ID [--token-file FILE]  (token on stdin without --token-file)";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::optional<std::int64_t> seller;
  std::string source = "-";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--token" || a == "--refresh-token")
      return ctx.usage_error("the refresh token is never taken from the command line; use "
                             "--token-file FILE or standard input", usage);
    if (a == "--token-file" && i + 1 < args.size()) {
      source = args[++i];
    } else if (auto id = positive_id(a); id && !seller) {
      seller = id;
    } else {
      return ctx.usage_error("unexpected argument \"" + a + "\"", usage);
    }
  }
  if (!seller) return ctx.usage_error("sellers reauthorize needs one SELLER_ID", usage);
  auto token = read_secret(source, "new LWA refresh token: ");
  if (!token) {
    ctx.err << "blazectl: " << token.error().message << "\n";
    return exit_code::usage;
  }
  json::object call_args{{"seller_id", *seller}, {"refresh_token", token->reveal()}};
  auto reply = ctx.call("sellers.reauthorize", call_args);
  // The request held the token in clear: wipe it before anything else happens.
  if (auto& t = call_args["refresh_token"].as_string(); !t.empty()) secure_wipe(t.data(), t.size());
  // Reauthorized: its sync now rather than at its next cadence slot (it resumes from its cursors).
  std::optional<Result<Reply>> sync;
  if (reply && reply->ok) sync = ctx.call("sync", {{"seller", *seller}, {"data", "all"}});
  return ctx.finish(reply, [&](const json::value& r) {
    ctx.out << "seller " << field_int(r, "seller_id") << " reauthorized (token sealed under key "
            << field_text(r, "key_id") << ")";
    if (sync && *sync && (*sync)->ok)
      ctx.out << "; sync queued as job " << field_int((*sync)->result, "job_id");
    else
      ctx.out << "; its sync resumes at its next slot";
    ctx.out << "\n";
  });
}

const Registrar reg{{"sellers reauthorize",
                     "a needs_reauth seller's new refresh token (stdin or a file); its syncs resume from their cursors",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
