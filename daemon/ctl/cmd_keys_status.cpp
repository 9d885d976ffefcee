// Owns `blazectl keys status`: each key's age against policy, the rows still under it, which
// keys can be retired, rotation progress, and the LWA client secret's age.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"

#include <iomanip>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

std::int64_t row_total(const json::value& key) {
  std::int64_t n = 0;
  if (const auto* rows = field(key, "rows"); rows != nullptr && rows->is_object())
    for (const auto& [table, count] : rows->as_object()) n += count.is_int64() ? count.as_int64() : 0;
  return n;
}

std::string key_state(const json::value& k) {
  std::string s;
  auto add = [&](std::string_view word) { s += (s.empty() ? "" : ", ") + std::string(word); };
  if (field_bool(k, "active")) add("active");
  if (field_bool(k, "legacy")) add("legacy");
  if (field_bool(k, "over_policy")) add("OVER POLICY");
  if (field_bool(k, "retirable")) add("retirable");
  else if (!field_bool(k, "active") && row_total(k) > 0) add("still referenced");
  return s;
}

void print_tables(std::ostream& out, const json::value* tables) {
  if (tables == nullptr || !tables->is_object()) return;
  bool first = true;
  for (const auto& [name, n] : tables->as_object()) {
    out << (first ? " " : ", ") << std::string(name) << " " << (n.is_int64() ? n.as_int64() : 0);
    first = false;
  }
}

void human(std::ostream& out, const json::value& r) {
  out << "active key: " << field_text(r, "active_key");
  if (const auto legacy = field_text(r, "legacy_key", ""); !legacy.empty()) out << " (legacy key: " << legacy << ")";
  out << "\n\n" << std::left << std::setw(24) << "KEY" << std::setw(8) << "AGE" << std::setw(8)
      << "POLICY" << std::setw(10) << "ROWS" << "STATE\n";
  if (const auto* keys = field(r, "keys"); keys != nullptr && keys->is_array()) {
    for (const auto& k : keys->as_array()) {
      out << std::setw(24) << field_text(k, "id") << std::setw(8)
          << (std::to_string(field_int(k, "age_days")) + "d") << std::setw(8)
          << (std::to_string(field_int(k, "max_age_days")) + "d") << std::setw(10) << row_total(k)
          << key_state(k) << "\n";
    }
  }
  if (const auto* missing = field(r, "missing_keys"); missing != nullptr && missing->is_array())
    for (const auto& k : missing->as_array())
      out << std::setw(24) << field_text(k, "id") << std::setw(16) << "NOT LOADED" << std::setw(10)
          << row_total(k) << "rows cannot be opened\n";
  out << "\nrows to rotate:";
  print_tables(out, field(r, "rows_to_rotate"));
  out << "\n";
  if (field_bool(r, "legacy_key_removable"))
    out << "no legacy rows left: remove keyring.legacy_key and reload (legacy CBC is then refused)\n";
  if (const auto* runs = field(r, "rotation_runs"); runs != nullptr && runs->is_array()) {
    for (const auto& run : runs->as_array()) {
      out << "rotation of " << field_text(run, "table") << " to " << field_text(run, "target_key")
          << ": " << (field_bool(run, "running") ? "running" : "finished") << ", pass "
          << field_int(run, "passes") << ", " << field_int(run, "rewrapped") << " rewrapped, "
          << field_int(run, "skipped") << " skipped, " << field_int(run, "failed") << " failed"
          << " (updated " << field_text(run, "updated_at") << ")\n";
    }
  }
  const json::value* lwa = field(r, "lwa_client_secret");
  out << "LWA client secret: ";
  if (lwa == nullptr || !field_bool(*lwa, "known")) {
    out << "age unknown (set credential_ages.lwa_client_secret_created)\n";
  } else {
    out << field_int(*lwa, "age_days") << "d old, max " << field_int(*lwa, "max_age_days") << "d"
        << (field_bool(*lwa, "over_policy") ? ", OVER POLICY: rotate it" : "") << "\n";
  }
}

const Registrar reg{without_args(
    "keys status", "keys: age vs policy, rows under each, which can be retired, rotation progress",
    "keys.status",
    [](Context& ctx, const json::value& r) { human(ctx.out, r); })};

}  // namespace
}  // namespace blazed::ctl
