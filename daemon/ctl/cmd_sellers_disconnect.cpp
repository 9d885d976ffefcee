// Owns `blazectl sellers disconnect`: deletes a seller's refresh token at once (audited).
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <charconv>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "sellers disconnect SELLER_ID";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::int64_t id = 0;
  if (args.size() != 1) return ctx.usage_error("sellers disconnect needs one SELLER_ID", usage);
  const auto& a = args[0];
  auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), id);
  if (ec != std::errc{} || end != a.data() + a.size() || id <= 0)
    return ctx.usage_error("SELLER_ID must be a positive number", usage);
  return ctx.finish(ctx.call("sellers.disconnect", {{"seller_id", id}}), [&](const json::value& r) {
    ctx.out << "seller " << field_int(r, "seller_id") << " " << field_text(r, "status") << "; "
            << (field_bool(r, "token_deleted") ? "refresh token deleted" : "it had no stored token")
            << "\n";
  });
}

const Registrar reg{{"sellers disconnect", "delete a seller's refresh token at once and mark it disconnected",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
