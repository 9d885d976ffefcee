// Owns `blazectl incident ...`: open (critical and high are contained at once), list, show, and the
// steps of the plan: confirm, contain, ack-amazon, notify-users, close --review.
#include "ctl/cli.hpp"
#include "ctl/fields.hpp"
#include "ctl/options.hpp"

#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;

// One line per step: its time, or what is pending and by when.
void print_incident(Context& ctx, const json::value& r) {
  ctx.out << "incident " << field_int(r, "id") << "  " << field_text(r, "severity") << "  " << field_text(r, "scope")
          << "  " << field_text(r, "state") << "  confirmed " << field_text(r, "confirmed_at", "-") << "\n  "
          << field_text(r, "summary") << "\n";
  const auto* steps = field(r, "steps");
  if (steps == nullptr || !steps->is_array()) return;
  for (const auto& s : steps->as_array()) {
    ctx.out << "  " << field_text(s, "step") << ": " << field_text(s, "at", "-");
    if (const auto* d = field(s, "deadline"); d != nullptr)
      ctx.out << "  (due " << field_text(*d, "due", "-") << ", " << field_text(*d, "state") << ")";
    if (field_text(s, "step") == "contain" && field(s, "at") != nullptr && !field(s, "at")->is_null())
      ctx.out << "  tokens deleted " << field_int(s, "tokens_deleted") << ", sellers paused "
              << field_int(s, "sellers_paused");
    ctx.out << "\n";
  }
  if (const auto* c = field(r, "containment"); c != nullptr && field(*c, "rotation_error") != nullptr)
    ctx.out << "  the emergency key rotation was NOT queued (" << field_text(*c, "rotation_error")
            << "): run blazectl keys rotate\n";
}

// A step on one incident: `incident NAME ID`, or with `--review TEXT` (close).
Subcommand on_incident(std::string name, std::string summary, std::string command, bool with_review = false) {
  std::string usage = name + " ID" + (with_review ? " --review TEXT" : "");
  return {name, std::move(summary), usage,
          [command, usage, with_review](Context& ctx, const std::vector<std::string>& args) {
            auto read = with_review ? read_options(args, {{"--review", "review"}}, "id") : read_options(args, {}, "id");
            if (!read.problem.empty()) return ctx.usage_error(read.problem, usage);
            const auto* id = read.args.if_contains("id");
            const auto parsed = id != nullptr && id->is_string() ? positive_id(id->as_string()) : std::nullopt;
            if (!parsed) return ctx.usage_error("ID must be a positive number", usage);
            read.args["id"] = *parsed;
            return ctx.finish(ctx.call(command, read.args), [&](const json::value& r) { print_incident(ctx, r); });
          }};
}

constexpr const char* kOpenUsage =
    "incident open --severity critical|high|medium|low --scope seller:ID|all --summary TEXT";

int open(Context& ctx, const std::vector<std::string>& args) {
  auto read = read_options(args, {{"--severity", "severity"}, {"--scope", "scope"}, {"--summary", "summary"}});
  if (!read.problem.empty()) return ctx.usage_error(read.problem, kOpenUsage);
  for (const char* key : {"severity", "scope", "summary"})
    if (!read.args.contains(key)) return ctx.usage_error(std::string("--") + key + " is required", kOpenUsage);
  return ctx.finish(ctx.call("incident.open", read.args), [&](const json::value& r) { print_incident(ctx, r); });
}

const Registrar open_reg{{"incident open",
                          "open a security incident; critical and high are contained at once (as incident "
                          "contain), medium and low only recorded",
                          kOpenUsage, open}};
const Registrar list_reg{without_args(
    "incident list", "incidents: open ones with their notice deadlines, and the last 20 closed", "incident.list",
    [](Context& ctx, const json::value& r) {
      ctx.out << field_int(r, "open") << " open\n";
      const auto* list = field(r, "incidents");
      if (list == nullptr || !list->is_array()) return;
      for (const auto& i : list->as_array())
        ctx.out << "incident " << field_int(i, "id") << "  " << field_text(i, "severity") << "  "
                << field_text(i, "scope") << "  " << field_text(i, "state") << "  amazon "
                << field_text(i, "amazon_notice") << "  users " << field_text(i, "users_notice") << "\n";
    })};
const Registrar show_reg{on_incident("incident show", "one incident: each step with its time, the deadlines",
                                     "incident.show")};
const Registrar confirm_reg{on_incident("incident confirm",
                                        "the incident is confirmed: Amazon is due in 24 h, the users in 72 h",
                                        "incident.confirm")};
const Registrar contain_reg{on_incident("incident contain",
                                        "contain now, whatever the severity: the refresh tokens in scope deleted "
                                        "(seller:ID: that seller's; all: every seller's) and their syncs paused; "
                                        "scope all also queues a key rotation",
                                        "incident.contain")};
const Registrar amazon_reg{on_incident("incident ack-amazon", "record that Amazon has been notified",
                                       "incident.ack_amazon")};
const Registrar users_reg{on_incident("incident notify-users",
                                      "queue the web app's notice to the affected users (a signed webhook)",
                                      "incident.notify_users")};
const Registrar close_reg{on_incident("incident close", "close an incident with its review", "incident.close", true)};

}  // namespace
}  // namespace blazed::ctl
