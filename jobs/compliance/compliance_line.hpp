// Owns the shape of the compliance report: one line per check of a section of the security page
// (pass / warn / fail, the value measured, a detail), its JSON, and the report's verdict.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::jobs::compliance {

enum class Verdict { pass, warn, fail };
std::string_view verdict_name(Verdict v);

// The sections of the security page the report covers, by their numbers there.
namespace section {
inline constexpr const char* credentials = "1.4";  // credential management
inline constexpr const char* incidents = "1.6";    // incident response
inline constexpr const char* retention = "2.1";    // data retention (raw payloads, deletions)
inline constexpr const char* logging = "2.6";      // logging and monitoring (audit trail, redaction)
inline constexpr const char* backup = "2.7";       // backup (age, region, restore drill)
}  // namespace section
std::string_view section_title(std::string_view id);
// Every section, in the report's order.
const std::vector<std::string>& sections();

struct Line {
  std::string section;
  std::string check;   // e.g. "oldest raw payload"
  Verdict status = Verdict::pass;
  std::string value;   // what was measured, e.g. "31 days"
  std::string detail;  // the threshold or why; never a secret
};

boost::json::object line_json(const Line& line);
// {"lines": [...], "pass": n, "warn": n, "fail": n, "compliant": no line fails}.
boost::json::object report_json(const std::vector<Line>& lines);

}  // namespace blazed::jobs::compliance
