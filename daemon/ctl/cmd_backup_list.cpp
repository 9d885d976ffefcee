// Owns `blazectl backup list`: the backups on every target (good ones marked), the region
// compliance lines and the recent runs.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
void print(std::ostream& out, const json::value& r) {
  const auto* backups = field(r, "backups");
  out << "backups (newest first; good = complete on every target):\n";
  if (backups != nullptr && backups->is_array()) {
    for (const auto& b : backups->as_array()) {
      out << "  " << field_text(b, "backup_id") << (field_bool(b, "good") ? "  good" : "  NOT GOOD")
          << "  finished " << field_text(b, "finished_at", "-") << "  " << field_int(b, "object_bytes")
          << " bytes  key " << field_text(b, "key_id", "-");
      if (const auto* on = field(b, "targets"); on != nullptr && on->is_object())
        for (const auto& [t, state] : on->as_object())
          if (state.is_string() && state.as_string() != "complete")
            out << "  [" << std::string(t) << ": " << std::string(state.as_string()) << "]";
      out << "\n";
    }
  }
  out << "newest good: " << field_text(r, "newest_good", "none");
  if (field(r, "newest_good_age_seconds") != nullptr)
    out << " (" << field_int(r, "newest_good_age_seconds") / 3600 << " h old)";
  out << "\ncompliance:\n";
  if (const auto* c = field(r, "compliance"); c != nullptr) {
    out << "  primary region " << field_text(*c, "primary_region", "(not set)") << ", retention "
        << field_int(*c, "retention_days") << " days, keep at least " << field_int(*c, "keep_min") << "\n";
    if (const auto* ts = field(*c, "targets"); ts != nullptr && ts->is_array())
      for (const auto& t : ts->as_array())
        out << "  " << (field_bool(t, "ok") ? "ok    " : "FAILED") << " target " << field_text(t, "target")
            << " in " << field_text(t, "region")
            << (field_bool(t, "off_site") ? "" : " (the server's own region)") << "\n";
  }
  if (const auto* runs = field(r, "recent_runs"); runs != nullptr && runs->is_array()) {
    out << "recent runs:\n";
    for (const auto& run : runs->as_array())
      out << "  " << field_text(run, "started_at") << "  " << field_text(run, "kind") << "  "
          << field_text(run, "outcome") << "  " << field_text(run, "backup_id", "-") << "  "
          << field_text(run, "error", "") << "\n";
  }
}

const Registrar reg{without_args(
    "backup list", "backups on every target, which are good, region compliance", "backup.list",
    [](Context& ctx, const json::value& r) { print(ctx.out, r); })};

}  // namespace
}  // namespace blazed::ctl
