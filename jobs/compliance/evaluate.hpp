// Owns the judgement of the compliance report: the evidence against the policy, one line per
// check with pass / warn / fail (docs/compliance.md says what each means). Pure: no I/O.
#pragma once

#include "jobs/compliance/compliance_line.hpp"
#include "jobs/compliance/evidence.hpp"

#include <vector>

namespace blazed::jobs::compliance {

// Lines of the sections present in `evidence`, in the order of sections().
std::vector<Line> evaluate(const Evidence& evidence, const Policy& policy);

// "3 days 4 h", "5 h 12 min", "40 s": an age as the report shows it.
std::string age_text(Clock::duration age);

}  // namespace blazed::jobs::compliance
