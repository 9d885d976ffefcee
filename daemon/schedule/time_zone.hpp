// Owns IANA time zones for schedules: a TZif (v2+) reader for /usr/share/zoneinfo/NAME with its
// POSIX TZ footer rule for instants past the table, and the local-time -> UTC mapping with gaps
// and repeats (libstdc++ 12 has no std::chrono::tzdb).
#pragma once

#include "core/error.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace blazed::schedule {

using sys_seconds = std::chrono::sys_seconds;
using local_seconds = std::chrono::local_seconds;

// A POSIX TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3" (the footer of a TZif file). Offsets here
// are east-positive seconds (UTC+1 is 3600), unlike the string's west-positive notation.
struct PosixTz {
  // When a DST period starts or ends, in the local time in force just before it.
  struct Rule {
    enum class Kind { julian_no_leap, zero_based, month_week_day };  // Jn, n, Mm.w.d
    Kind kind = Kind::month_week_day;
    int day = 0;       // Jn: 1..365, n: 0..365, Mm.w.d: d (0 = Sunday)
    int month = 0;     // Mm.w.d only, 1..12
    int week = 0;      // Mm.w.d only, 1..5 (5 = last)
    int seconds = 7200;  // time of day; may be negative or past 24h (RFC 8536 extension)
  };
  std::int32_t std_offset = 0;
  std::optional<std::int32_t> dst_offset;  // absent: no DST
  Rule start;                              // meaningful only with dst_offset
  Rule end;

  static Result<PosixTz> parse(std::string_view text);
  // UTC offset in force at `t`.
  [[nodiscard]] std::int32_t offset_at(sys_seconds t) const;
};

class TimeZone {
 public:
  // UTC: the default zone of every schedule.
  static TimeZone utc();
  // Loads NAME (e.g. "Europe/Berlin") from `root`; rejects names that escape it.
  static Result<TimeZone> load(std::string_view name,
                               const std::filesystem::path& root = "/usr/share/zoneinfo");
  // Parses TZif bytes (version 2 or later; a version 1 file has no 64-bit data nor footer).
  static Result<TimeZone> parse(std::string_view name, std::string_view tzif);

  [[nodiscard]] const std::string& name() const { return name_; }
  // UTC offset (seconds east) in force at `t`.
  [[nodiscard]] std::int32_t offset_at(sys_seconds t) const;
  [[nodiscard]] local_seconds to_local(sys_seconds t) const;

  // Where a local time falls. `first` is its earliest instant; in a gap (clocks jumped over it)
  // `first` is the first instant after the gap, and in a repeat (clocks went back over it) the
  // second instant is `second`.
  struct Mapping {
    enum class Kind { unique, gap, repeated };
    Kind kind = Kind::unique;
    sys_seconds first;
    sys_seconds second;
  };
  [[nodiscard]] Mapping to_sys(local_seconds t) const;

 private:
  std::string name_;
  std::vector<std::int64_t> transitions_;  // ascending UTC seconds
  std::vector<std::int32_t> offsets_;      // offset in force from transitions_[i] on
  std::int32_t initial_offset_ = 0;        // before the first transition
  std::optional<PosixTz> footer_;          // after the last transition
};

}  // namespace blazed::schedule
