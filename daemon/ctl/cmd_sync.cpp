// Owns `blazectl sync SELLER [--orders|--transactions]`: enqueue a seller's sync now.
#include "ctl/cli.hpp"

#include <charconv>
#include <optional>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

constexpr const char* kUsage = "sync SELLER [--orders|--transactions]";

int run(Context& ctx, const std::vector<std::string>& args) {
  std::optional<std::int64_t> seller;
  std::string data = "all";
  for (const auto& a : args) {
    if (a == "--orders" || a == "--transactions") {
      if (data != "all") return ctx.usage_error("give at most one of --orders, --transactions", kUsage);
      data = a.substr(2);
      continue;
    }
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(a.data(), a.data() + a.size(), id);
    if (ec != std::errc{} || end != a.data() + a.size() || id <= 0 || seller)
      return ctx.usage_error("unexpected argument \"" + a + "\"", kUsage);
    seller = id;
  }
  if (!seller) return ctx.usage_error("sync needs a seller number", kUsage);
  json::object call_args;
  call_args["seller"] = *seller;
  call_args["data"] = data;
  return ctx.finish(ctx.call("sync", call_args), [&](const json::value& r) {
    const auto& o = r.as_object();
    const bool dup = o.at("already_queued").as_bool();
    ctx.out << "seller " << *seller << " " << data << ": "
            << (dup ? "already queued as job " : "queued as job ") << o.at("job_id").as_int64() << "\n";
  });
}

const Registrar reg{{"sync", "enqueue a seller's sync now (both data types unless one is named)", kUsage, run}};

}  // namespace
}  // namespace blazed::ctl
