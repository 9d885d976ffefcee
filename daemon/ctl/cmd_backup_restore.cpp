// Owns `blazectl backup restore`: restores a backup (the newest good one, or by id) into a
// database; a database that already has tables is refused unless --force.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/options.hpp"

#include <algorithm>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "backup restore (--latest | BACKUP_ID) --into DSN [--force [--yes]]";

int run(Context& ctx, const std::vector<std::string>& args) {
  auto read = read_options(args, {{"--latest", "latest", false}, {"--into", "into"}, {"--force", "force", false}},
                           "backup_id");
  if (!read.problem.empty()) return ctx.usage_error(read.problem, usage);
  const json::object& call_args = read.args;
  if (!call_args.contains("into")) return ctx.usage_error("--into DSN is required", usage);
  if (call_args.contains("latest") == call_args.contains("backup_id"))
    return ctx.usage_error("give --latest or a backup id", usage);
  if (call_args.contains("force")) {
    if (auto stop = ctx.confirm("restore over the tables of the database at --into (--force)")) return *stop;
  }
  // A restore takes as long as the database is large: wait for it.
  ctx.timeout = std::max(ctx.timeout, std::chrono::milliseconds(std::chrono::hours(12)));
  return ctx.finish(ctx.call("backup.restore", call_args), [&](const json::value& r) {
    ctx.out << "restored backup " << field_text(r, "backup_id") << " from target " << field_text(r, "target")
            << ": " << field_int(r, "dump_bytes") << " dump bytes in " << field_int(r, "duration_ms") << " ms\n";
  });
}

const Registrar reg{{"backup restore", "restore a backup into a database (refuses a non-empty one)", usage, run}};

}  // namespace
}  // namespace blazed::ctl
