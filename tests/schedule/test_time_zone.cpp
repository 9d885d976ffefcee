// Tests the TZif reader, the POSIX TZ footer rule and local -> UTC mapping across DST.
#include "harness/temp_dir.hpp"
#include "schedule/time_zone.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace std::chrono;
using blazed::schedule::PosixTz;
using blazed::schedule::TimeZone;

namespace {

sys_seconds utc(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}
local_seconds local(int y, unsigned m, unsigned d, int h = 0, int min = 0) {
  return local_days{year{y} / month{m} / day{d}} + hours{h} + minutes{min};
}
TimeZone zone(std::string_view name) { return TimeZone::load(name).value(); }

}  // namespace

TEST_CASE("POSIX TZ rules parse with names, offsets and rule forms") {
  const auto berlin = PosixTz::parse("CET-1CEST,M3.5.0,M10.5.0/3").value();
  CHECK(berlin.std_offset == 3600);
  CHECK(berlin.dst_offset == 7200);
  CHECK(berlin.start.month == 3);
  CHECK(berlin.start.week == 5);
  CHECK(berlin.start.seconds == 7200);  // default 02:00
  CHECK(berlin.end.seconds == 3 * 3600);

  const auto tehran = PosixTz::parse("<+0330>-3:30").value();
  CHECK(tehran.std_offset == 3 * 3600 + 1800);
  CHECK_FALSE(tehran.dst_offset);

  const auto nuuk = PosixTz::parse("<-02>2<-01>,M3.5.0/-1,M10.5.0/0").value();
  CHECK(nuuk.std_offset == -7200);
  CHECK(nuuk.start.seconds == -3600);

  const auto julian = PosixTz::parse("XXX3YYY,J60/2,300").value();
  CHECK(julian.start.kind == PosixTz::Rule::Kind::julian_no_leap);
  CHECK(julian.end.kind == PosixTz::Rule::Kind::zero_based);

  for (const char* bad : {"", "C-1", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
                          "CET-1CEST,M3.5.0,M10.5.0/3x", "<+03-3"}) {
    INFO(bad);
    const auto r = PosixTz::parse(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "bad_time_zone");
  }
}

TEST_CASE("zone offsets come from the transition table") {
  const auto berlin = zone("Europe/Berlin");
  CHECK(berlin.offset_at(utc(2024, 1, 15)) == 3600);
  CHECK(berlin.offset_at(utc(2024, 7, 15)) == 7200);
  // The 2024 spring transition is at 01:00 UTC on the last Sunday of March.
  CHECK(berlin.offset_at(utc(2024, 3, 31, 0, 59)) == 3600);
  CHECK(berlin.offset_at(utc(2024, 3, 31, 1, 0)) == 7200);
  // Before 1893 Berlin kept local mean time (+0:53:28), the file's first time type.
  CHECK(berlin.offset_at(utc(1850, 1, 1)) == 53 * 60 + 28);
  CHECK(TimeZone::utc().offset_at(utc(2024, 7, 1)) == 0);
}

TEST_CASE("the footer rule matches the table hour by hour, and carries on past it") {
  // Fat TZif files list transitions up to 2037: where both exist they must agree.
  const std::pair<const char*, const char*> zones[] = {
      {"Europe/Berlin", "CET-1CEST,M3.5.0,M10.5.0/3"},
      {"America/New_York", "EST5EDT,M3.2.0,M11.1.0"},
      {"Australia/Sydney", "AEST-10AEDT,M10.1.0,M4.1.0/3"},
      {"Europe/Dublin", "IST-1GMT0,M10.5.0,M3.5.0/1"},
      {"America/Santiago", "<-04>4<-03>,M9.1.6/24,M4.1.6/24"},
      {"America/Nuuk", "<-02>2<-01>,M3.5.0/-1,M10.5.0/0"},
  };
  for (const auto& [name, rule] : zones) {
    INFO(name);
    const auto tz = zone(name);
    const auto posix = PosixTz::parse(rule).value();
    int mismatches = 0;
    for (auto t = utc(2030, 1, 1); t < utc(2037, 1, 1); t += minutes{30}) {
      if (tz.offset_at(t) != posix.offset_at(t)) ++mismatches;
    }
    CHECK(mismatches == 0);
  }
  // 2100: beyond the table; US DST starts on the second Sunday of March (March 14, 2100).
  const auto ny = zone("America/New_York");
  CHECK(ny.offset_at(utc(2100, 3, 14, 6, 59)) == -5 * 3600);
  CHECK(ny.offset_at(utc(2100, 3, 14, 7, 0)) == -4 * 3600);
  CHECK(ny.offset_at(utc(2100, 11, 7, 5, 59)) == -4 * 3600);
  CHECK(ny.offset_at(utc(2100, 11, 7, 6, 0)) == -5 * 3600);
}

TEST_CASE("local times map to instants across gaps and repeats") {
  const auto berlin = zone("Europe/Berlin");
  using Kind = TimeZone::Mapping::Kind;

  const auto plain = berlin.to_sys(local(2024, 6, 1, 12, 0));
  CHECK(plain.kind == Kind::unique);
  CHECK(plain.first == utc(2024, 6, 1, 10, 0));

  // 02:30 on 2024-03-31 does not exist: clocks went 02:00 -> 03:00 (01:00 UTC).
  const auto gap = berlin.to_sys(local(2024, 3, 31, 2, 30));
  CHECK(gap.kind == Kind::gap);
  CHECK(gap.first == utc(2024, 3, 31, 1, 0));

  // 02:30 on 2024-10-27 happens twice: 00:30 UTC (CEST) and 01:30 UTC (CET).
  const auto twice = berlin.to_sys(local(2024, 10, 27, 2, 30));
  CHECK(twice.kind == Kind::repeated);
  CHECK(twice.first == utc(2024, 10, 27, 0, 30));
  CHECK(twice.second == utc(2024, 10, 27, 1, 30));

  // Southern hemisphere, in the footer's range: Sydney springs forward 2090-10-01 02:00 -> 03:00.
  const auto sydney = zone("Australia/Sydney");
  const auto south = sydney.to_sys(local(2090, 10, 1, 2, 15));
  CHECK(south.kind == Kind::gap);
  CHECK(south.first == utc(2090, 9, 30, 16, 0));
  CHECK(sydney.to_local(south.first) == local(2090, 10, 1, 3, 0));
}

TEST_CASE("zone names are checked and bad files rejected") {
  for (const char* name : {"../../etc/passwd", "/etc/localtime", "Europe/Nowhere", "Europe/Ber lin"}) {
    INFO(name);
    const auto r = TimeZone::load(name);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == "bad_time_zone");
    CHECK(r.error().message.find(name) != std::string::npos);
  }
  CHECK(TimeZone::load("").value().name() == "UTC");

  CHECK_FALSE(TimeZone::parse("x", "not a tzif file at all, not at all, no no no no no no").has_value());
  std::string v1(44, '\0');
  v1.replace(0, 5, "TZif\0", 5);
  const auto old = TimeZone::parse("old", v1);
  REQUIRE_FALSE(old.has_value());
  CHECK(old.error().message.find("version 1") != std::string::npos);

  // A truncated copy of a real file fails cleanly instead of reading past the end.
  std::ifstream in("/usr/share/zoneinfo/Europe/Berlin", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(TimeZone::parse("Europe/Berlin", bytes).has_value());
  for (std::size_t cut : {std::size_t{50}, bytes.size() / 2, bytes.size() - 30}) {
    INFO(cut);
    CHECK_FALSE(TimeZone::parse("Europe/Berlin", std::string_view(bytes).substr(0, cut)).has_value());
  }

  // load() reads from the given root.
  blazed::testing::TempDir dir;
  std::filesystem::create_directories(dir / "Test");
  std::ofstream(dir / "Test" / "Zone", std::ios::binary) << bytes;
  CHECK(TimeZone::load("Test/Zone", dir.path()).value().offset_at(utc(2024, 7, 1)) == 7200);
}

TEST_CASE("corrupted TZif bytes fail cleanly or parse, never read out of bounds") {
  std::ifstream in("/usr/share/zoneinfo/America/New_York", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::uint64_t state = 12345;
  const auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
  int parsed = 0;
  for (int round = 0; round < 3'000; ++round) {
    std::string bytes = good;
    const int flips = 1 + static_cast<int>(next() >> 61);
    for (int i = 0; i < flips; ++i) {
      bytes[static_cast<std::size_t>((next() >> 33) % bytes.size())] = static_cast<char>(next() >> 56);
    }
    const auto r = TimeZone::parse("fuzz", bytes);
    if (r) {
      ++parsed;
      (void)r->offset_at(sys_days{year{2030} / 6 / 1});
      (void)r->to_sys(local_days{year{2099} / 3 / 14} + hours{2});
    } else {
      CHECK(r.error().code == "bad_time_zone");
    }
  }
  CHECK(parsed > 0);  // most single-byte changes land in data, not structure

  // Huge counts in either header are rejected by size, not trusted.
  const auto v2_header = good.find("TZif", 4);
  REQUIRE(v2_header != std::string::npos);
  for (const std::size_t header : {std::size_t{0}, v2_header}) {
    for (std::size_t field = 0; field < 6; ++field) {
      INFO("header " << header << " count " << field);
      std::string bytes = good;
      bytes.replace(header + 20 + field * 4, 4, "\xff\xff\xff\xff");
      CHECK_FALSE(TimeZone::parse("fuzz", bytes).has_value());
    }
  }
}
