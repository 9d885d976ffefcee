// Owns `blazectl sellers disconnect`: deletes a seller's refresh token at once (audited).
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "sellers disconnect SELLER_ID [--yes]";

int run(Context& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) return ctx.usage_error("sellers disconnect needs one SELLER_ID", usage);
  const auto id = positive_id(args[0]);
  if (!id) return ctx.usage_error("SELLER_ID must be a positive number", usage);
  if (auto stop = ctx.confirm("delete seller " + std::to_string(*id) + "'s refresh token (syncs stop until it reconnects)"))
    return *stop;
  return ctx.finish(ctx.call("sellers.disconnect", {{"seller_id", *id}}), [&](const json::value& r) {
    ctx.out << "seller " << field_int(r, "seller_id") << " " << field_text(r, "status") << "; "
            << (field_bool(r, "token_deleted") ? "refresh token deleted" : "it had no stored token")
            << "\n";
  });
}

const Registrar reg{{"sellers disconnect", "delete a seller's refresh token at once and mark it disconnected",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
