// Owns `blazectl deletions`: account deletions, open ones with their deadlines and the recent
// completed ones with their row counts.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

const Registrar reg{without_args(
    "deletions", "account deletions: pending with deadlines, overdue, recent completed", "deletions.list",
    [](Context& ctx, const json::value& r) {
      ctx.out << field_int(r, "pending") << " pending, " << field_int(r, "overdue") << " overdue\n";
      const auto* list = field(r, "deletions");
      if (list == nullptr || !list->is_array()) return;
      for (const auto& d : list->as_array()) {
        ctx.out << "request " << field_int(d, "request_id") << "  seller " << field_int(d, "seller_id") << "  "
                << field_text(d, "state") << "  requested " << field_text(d, "requested_at") << "  deadline "
                << field_text(d, "deadline", "-") << (field_bool(d, "overdue") ? "  OVERDUE" : "");
        if (field_text(d, "state") == "completed") ctx.out << "  completed " << field_text(d, "completed_at");
        ctx.out << "\n";
      }
    })};

}  // namespace
}  // namespace blazed::ctl
