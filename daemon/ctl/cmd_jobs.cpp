// Owns `blazectl jobs`: list jobs of a queue by state (paged), show one, retry a dead one,
// delete one.
#include "ctl/cli.hpp"
#include "ctl/render.hpp"

#include <charconv>
#include <ostream>

namespace blazed::ctl {
namespace {

namespace json = boost::json;
constexpr const char* usage =
    "jobs list [--queue Q] [--state pending|active|scheduled|retry|dead] [--limit N] [--offset N]"
    " | jobs show|retry ID [--queue Q] | jobs delete ID [--queue Q] [--yes]";

bool to_int(const std::string& s, std::int64_t& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

// "why (last error)", either part alone when the other is empty or the same.
std::string reason(const json::value& j) {
  std::string why = cell(j, "dead_reason");
  std::string err = cell(j, "last_error");
  if (why.empty() || why == err) return err.empty() ? "-" : err;
  return err.empty() ? why : why + " (" + err + ")";
}

void print_job(Context& ctx, const json::value& j) {
  const std::pair<const char*, std::string> rows[] = {
      {"id", cell(j, "id")},
      {"queue", cell(j, "queue")},
      {"state", cell(j, "state")},
      {"type", cell(j, "type")},
      {"attempts", cell(j, "attempts") + " of " +
                       (cell(j, "max_attempts") == "0" ? "type default" : cell(j, "max_attempts"))},
      {"priority", cell(j, "priority")},
      {"group", cell(j, "group")},
      {"at", time_cell(j, "at_ms")},
      {"last error", cell(j, "last_error")},
      {"dead reason", cell(j, "dead_reason")},
      {"payload", cell(j, "payload")},
  };
  for (const auto& [k, v] : rows) ctx.out << k << ": " << (v.empty() ? "-" : v) << "\n";
}

int run(Context& ctx, const std::vector<std::string>& args) {
  if (args.empty()) return ctx.usage_error("jobs needs list, show, retry or delete", usage);
  const std::string& verb = args[0];
  json::object obj;
  std::vector<std::string> positional;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--queue" || a == "--state" || a == "--limit" || a == "--offset") {
      if (i + 1 >= args.size()) return ctx.usage_error(a + " needs a value", usage);
      const std::string& v = args[++i];
      std::int64_t n = 0;
      if (a == "--limit" || a == "--offset") {
        if (!to_int(v, n)) return ctx.usage_error(a + " needs a number", usage);
        obj[a.substr(2)] = n;
      } else {
        obj[a.substr(2)] = v;
      }
    } else if (a.starts_with("-")) {
      return ctx.usage_error("unknown option \"" + a + "\"", usage);
    } else {
      positional.push_back(a);
    }
  }

  if (verb == "list") {
    if (!positional.empty()) return ctx.usage_error("jobs list takes options only", usage);
    return ctx.finish(ctx.call("jobs.list", obj), [&](const json::value& r) {
      std::vector<std::vector<std::string>> rows;
      const auto* jobs = r.as_object().if_contains("jobs");
      if (jobs != nullptr && jobs->is_array()) {
        for (const auto& j : jobs->as_array()) {
          rows.push_back({cell(j, "id"), cell(j, "type"), cell(j, "attempts"), time_cell(j, "at_ms"),
                          reason(j)});
        }
      }
      ctx.table({"ID", "TYPE", "ATTEMPTS", "AT", "REASON / LAST ERROR"}, rows);
      ctx.out << rows.size() << " of " << cell(r, "total") << " " << cell(r, "state")
              << " jobs in queue " << cell(r, "queue") << " from offset " << cell(r, "offset") << "\n";
    });
  }
  if (verb != "show" && verb != "retry" && verb != "delete")
    return ctx.usage_error("unknown jobs action \"" + verb + "\"", usage);
  if (obj.contains("state") || obj.contains("limit") || obj.contains("offset"))
    return ctx.usage_error("jobs " + verb + " takes only --queue", usage);
  std::int64_t id = 0;
  if (positional.size() != 1 || !to_int(positional[0], id))
    return ctx.usage_error("jobs " + verb + " needs one job ID", usage);
  obj["id"] = id;
  if (verb == "delete") {
    if (auto stop = ctx.confirm("delete job " + std::to_string(id) + " (it will not run)")) return *stop;
  }
  return ctx.finish(ctx.call("jobs." + verb, obj), [&](const json::value& r) {
    if (verb == "show") {
      print_job(ctx, r);
    } else {
      ctx.out << "job " << id << " in queue " << cell(r, "queue")
              << (verb == "retry" ? " is pending again\n" : " deleted\n");
    }
  });
}

const Registrar reg{{"jobs", "list jobs by state, show one, retry a dead one, delete one", usage, run}};

}  // namespace
}  // namespace blazed::ctl
