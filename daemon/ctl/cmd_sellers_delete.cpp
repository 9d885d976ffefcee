// Owns `blazectl sellers delete`: requests a seller's account deletion (its token at once, all of
// its data within 7 business days).
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "sellers delete SELLER_ID [--yes]";

int run(Context& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) return ctx.usage_error("sellers delete needs one SELLER_ID", usage);
  const auto id = positive_id(args[0]);
  if (!id) return ctx.usage_error("SELLER_ID must be a positive number", usage);
  if (auto stop = ctx.confirm("delete seller " + std::to_string(*id) + "'s account: its token now, all its data within 7 business days"))
    return *stop;
  return ctx.finish(ctx.call("sellers.delete", {{"seller_id", *id}}), [&](const json::value& r) {
    ctx.out << "seller " << field_int(r, "seller_id") << " deleting (request " << field_int(r, "request_id")
            << "); refresh token deleted; all its data deleted by " << field_text(r, "deadline")
            << "; follow it with blazectl deletions\n";
  });
}

const Registrar reg{{"sellers delete", "delete a seller's account: its token now, all its data within 7 business days",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
