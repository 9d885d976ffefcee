// Owns the compliance.report command (see compliance_commands.hpp).
#include "jobs/compliance/compliance_commands.hpp"

#include "control/args.hpp"
#include "control/errc.hpp"
#include "jobs/backup/manifest.hpp"
#include "jobs/compliance/evaluate.hpp"
#include "jobs/compliance/evidence.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <set>

namespace blazed::jobs::compliance {

namespace asio = boost::asio;
namespace json = boost::json;

namespace {

asio::awaitable<Result<json::value>> report(const control::CommandRegistry& registry, JobContext& ctx,
                                            const control::Request& req) {
  auto only = control::args::find_string(req, "section");
  if (!only) co_return only.error();
  std::set<std::string> wanted(sections().begin(), sections().end());
  if (*only) {
    if (std::find(sections().begin(), sections().end(), **only) == sections().end())
      co_return make_error(control::errc::bad_args, "section: expected 1.4, 2.1, 2.7, 2.6 or 1.6");
    wanted = {**only};
  }
  const Evidence evidence = co_await gather_evidence(registry, ctx, wanted);
  json::object out = report_json(evaluate(evidence, policy_of(ctx.config)));
  out["generated_at"] = backup::format_utc(evidence.now);
  out["instance_id"] = ctx.instance_id;
  co_return json::value(std::move(out));
}

}  // namespace

Status register_compliance_commands(control::CommandRegistry& registry, JobContext& ctx) {
  const control::CommandRegistry* reader = &registry;
  return registry.register_all({
      {"compliance.report",
       "the auditor's evidence per section of the security page, each line pass/warn/fail (args: section)",
       control::Effect::read_only,
       [reader, &ctx](const control::Request& req) { return report(*reader, ctx, req); }},
  });
}

}  // namespace blazed::jobs::compliance
