// Owns `blazectl sellers list [--sort id|lag] [--limit N]`: sellers with their status and, per
// data type, last sync, cursor lag and last error.
#include "ctl/cli.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>
#include <iomanip>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

std::string field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_bool()) return v->as_bool() ? "yes" : "no";
  return json::serialize(*v);
}

std::string lag(const json::object& o) {
  const auto* v = o.if_contains("lag_seconds");
  if (v == nullptr || !v->is_int64()) return "-";
  const auto s = v->as_int64();
  if (s >= 86400) return std::to_string(s / 86400) + "d";
  if (s >= 3600) return std::to_string(s / 3600) + "h";
  if (s >= 60) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

constexpr const char* kUsage = "sellers list [--sort id|lag] [--limit N]";

int run(Context& ctx, const std::vector<std::string>& args) {
  json::object call_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if ((a != "--sort" && a != "--limit") || i + 1 == args.size())
      return ctx.usage_error("unexpected argument \"" + a + "\"", kUsage);
    const auto& v = args[++i];
    if (a == "--sort") {
      if (v != "id" && v != "lag") return ctx.usage_error("--sort takes id or lag", kUsage);
      call_args["sort"] = v;
      continue;
    }
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size() || n < 1)
      return ctx.usage_error("--limit takes a number of sellers (at least 1)", kUsage);
    call_args["limit"] = n;
  }
  return ctx.finish(ctx.call("sellers.list", call_args), [&](const json::value& r) {
    if (!ctx.no_headers)
      ctx.out << std::left << std::setw(8) << "SELLER" << std::setw(14) << "STATUS" << std::setw(14) << "DATA"
              << std::setw(22) << "LAST SYNC" << std::setw(8) << "LAG" << "LAST ERROR\n";
    ctx.out << std::left;
    for (const auto& s : r.at("sellers").as_array()) {
      const auto& seller = s.as_object();
      const auto& sync = seller.at("sync").as_object();
      if (sync.empty()) {
        ctx.out << std::setw(8) << field(seller, "id") << std::setw(14) << field(seller, "status")
                << std::setw(14) << "-" << std::setw(22) << "never" << std::setw(8) << "-" << "-\n";
      }
      for (const auto& [type, st] : sync) {
        const auto& t = st.as_object();
        std::string data(type);
        if (t.at("in_progress").as_bool()) data += "*";
        ctx.out << std::setw(8) << field(seller, "id") << std::setw(14) << field(seller, "status")
                << std::setw(14) << data << std::setw(22) << field(t, "last_sync") << std::setw(8) << lag(t)
                << field(t, "last_error") << "\n";
      }
    }
  });
}

const Registrar reg{{"sellers list",
                     "sellers with status, last sync, cursor lag and last error (* = run in progress; "
                     "--sort lag: the most behind first)",
                     kUsage, run}};

}  // namespace
}  // namespace blazed::ctl
