// Owns the compliance report's lines as JSON (see compliance_line.hpp).
#include "jobs/compliance/compliance_line.hpp"

#include <boost/json/array.hpp>

namespace blazed::jobs::compliance {

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::warn: return "warn";
    case Verdict::fail: return "fail";
  }
  return "fail";
}

std::string_view section_title(std::string_view id) {
  if (id == section::credentials) return "credential management";
  if (id == section::incidents) return "incident response";
  if (id == section::retention) return "data retention";
  if (id == section::logging) return "logging and monitoring";
  if (id == section::backup) return "backup";
  return "";
}

const std::vector<std::string>& sections() {
  static const std::vector<std::string> all{section::credentials, section::retention, section::backup,
                                            section::logging, section::incidents};
  return all;
}

boost::json::object line_json(const Line& line) {
  return boost::json::object{{"section", line.section},
                             {"section_title", section_title(line.section)},
                             {"check", line.check},
                             {"status", verdict_name(line.status)},
                             {"value", line.value},
                             {"detail", line.detail}};
}

boost::json::object report_json(const std::vector<Line>& lines) {
  boost::json::array out;
  std::int64_t counts[3] = {0, 0, 0};
  for (const auto& l : lines) {
    out.push_back(line_json(l));
    ++counts[static_cast<int>(l.status)];
  }
  return boost::json::object{{"lines", std::move(out)},
                             {"pass", counts[0]},
                             {"warn", counts[1]},
                             {"fail", counts[2]},
                             {"compliant", counts[2] == 0}};
}

}  // namespace blazed::jobs::compliance
