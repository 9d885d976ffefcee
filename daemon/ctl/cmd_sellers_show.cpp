// Owns `blazectl sellers show SELLER_ID`: one seller's status and partner id, and per data type
// its sync (last sync, cursor, lag, last error) and its history backfill's progress.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <boost/json/serialize.hpp>

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "sellers show SELLER_ID";

std::string text(const json::value& v, std::string_view key) {
  const auto* f = field(v, key);
  if (f == nullptr || f->is_null()) return "-";
  if (f->is_string()) return std::string(f->as_string());
  return json::serialize(*f);
}

int run(Context& ctx, const std::vector<std::string>& args) {
  if (args.size() != 1) return ctx.usage_error("sellers show needs one SELLER_ID", usage);
  const auto id = positive_id(args[0]);
  if (!id) return ctx.usage_error("SELLER_ID must be a positive number", usage);
  return ctx.finish(ctx.call("sellers.show", {{"seller", *id}}), [&](const json::value& r) {
    ctx.out << "seller " << text(r, "id") << "  status " << text(r, "status") << "  region " << text(r, "region")
            << "  partner " << text(r, "partner_id") << "\n";
    if (const auto* sync = field(r, "sync"); sync != nullptr && sync->is_object()) {
      for (const auto& [type, t] : sync->as_object())
        ctx.out << "  sync " << std::string(type) << ": last " << text(t, "last_sync") << ", cursor "
                << text(t, "cursor") << (field_bool(t, "in_progress") ? " (run in progress)" : "")
                << ", last error " << text(t, "last_error") << "\n";
    }
    if (const auto* backfill = field(r, "backfill"); backfill != nullptr && backfill->is_object()) {
      for (const auto& [type, b] : backfill->as_object()) {
        ctx.out << "  backfill " << std::string(type) << ": " << text(b, "status") << ", depth "
                << text(b, "depth_days") << " days";
        if (field(b, "reached") != nullptr)
          ctx.out << ", reached " << text(b, "reached") << " of " << text(b, "oldest") << " (" << text(b, "percent")
                  << " %), " << text(b, "windows") << " windows, " << text(b, "rows") << " rows, last error "
                  << text(b, "last_error");
        ctx.out << "\n";
      }
    }
  });
}

const Registrar reg{{"sellers show", "one seller: status, partner id, its syncs and its history backfill's progress",
                     usage, run}};

}  // namespace
}  // namespace blazed::ctl
