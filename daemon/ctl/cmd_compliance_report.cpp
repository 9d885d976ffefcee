// Owns `blazectl compliance report`: the auditor's evidence, a table per section of the security
// page (or the raw result with --json); exit 0 when no line fails, 5 when one does.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/options.hpp"

#include <cctype>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage = "compliance report [--section 1.4|2.1|2.7|2.6|1.6]";

// Lines arrive in section order: a new table starts where the section changes.
void print(Context& ctx, const json::value& r) {
  std::string section;
  std::vector<std::vector<std::string>> rows;
  auto flush = [&] {
    if (rows.empty()) return;
    ctx.table({"STATUS", "CHECK", "VALUE", "DETAIL"}, rows);
    ctx.out << "\n";
    rows.clear();
  };
  if (const auto* lines = field(r, "lines"); lines != nullptr && lines->is_array()) {
    for (const auto& l : lines->as_array()) {
      if (field_text(l, "section") != section) {
        flush();
        section = field_text(l, "section");
        ctx.out << section << " " << field_text(l, "section_title", "") << "\n";
      }
      std::string status = field_text(l, "status");
      if (status != "pass")
        for (auto& c : status) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      rows.push_back({status, field_text(l, "check"), field_text(l, "value", ""), field_text(l, "detail", "")});
    }
  }
  flush();
  ctx.out << field_int(r, "pass") << " pass, " << field_int(r, "warn") << " warn, " << field_int(r, "fail")
          << " fail: " << (field_bool(r, "compliant") ? "compliant" : "NOT COMPLIANT") << " (generated "
          << field_text(r, "generated_at", "-") << " on " << field_text(r, "instance_id", "-") << ")\n";
}

int run(Context& ctx, const std::vector<std::string>& args) {
  auto read = read_options(args, {{"--section", "section"}});
  if (!read.problem.empty()) return ctx.usage_error(read.problem, usage);
  auto reply = ctx.call("compliance.report", read.args);
  const int code = ctx.finish(reply, [&](const json::value& r) { print(ctx, r); });
  if (code != exit_code::ok) return code;
  // --json printed the result without looking at it; the exit code still tells.
  return field_bool(reply->result, "compliant") ? exit_code::ok : exit_code::noncompliant;
}

const Registrar reg{{"compliance report",
                     "the auditor's evidence per section of the security page; exit 5 when a line fails", usage,
                     run}};

}  // namespace
}  // namespace blazed::ctl
