// Tests the pg value encodings that need no server: array literals, timestamps, bytea, NUMERIC
// syntax, and the SQLSTATE -> code table.
#include "pg/errors.hpp"
#include "pg/param.hpp"
#include "pg/rows.hpp"

#include <catch2/catch.hpp>

using namespace blazed;
using namespace blazed::pg;

TEST_CASE("array literals quote every element and escape quotes and backslashes", "[unit]") {
  CHECK(array_literal({}) == "{}");
  CHECK(array_literal({std::string("a"), std::nullopt, std::string("NULL")}) ==
        R"({"a",NULL,"NULL"})");
  CHECK(array_literal({std::string(R"(say "hi" \ {x},y)")}) == R"({"say \"hi\" \\ {x},y"})");
  CHECK(Param(std::vector<std::int64_t>{1, -2}).data() == R"({"1","-2"})");
  CHECK(Param(std::vector<std::optional<bool>>{true, std::nullopt}).data() == R"({"true",NULL})");
}

TEST_CASE("timestamps are written and read as UTC with microseconds, also before 1970", "[unit]") {
  struct Case {
    std::int64_t micros;
    const char* text;
  };
  for (auto c : {Case{0, "1970-01-01 00:00:00.000000+00"},
                 Case{1'764'444'123'456'789, "2025-11-29 19:22:03.456789+00"},
                 Case{-1, "1969-12-31 23:59:59.999999+00"}}) {
    auto t = Clock::time_point(std::chrono::microseconds(c.micros));
    CHECK(to_text(t) == c.text);
    Clock::time_point back;
    REQUIRE(decode(c.text, back));
    CHECK(back == t);
  }
  Clock::time_point t;
  REQUIRE(decode("2025-11-29 19:22:03.5+00", t));  // PostgreSQL trims trailing zeros
  CHECK(to_text(t) == "2025-11-29 19:22:03.500000+00");
  REQUIRE(decode("2025-11-29 19:22:03+00", t));
  CHECK_FALSE(decode("2025-11-29 19:22:03+02", t));
  CHECK_FALSE(decode("infinity", t));
}

TEST_CASE("bytea hex output decodes and malformed text is refused", "[unit]") {
  Bytes b;
  REQUIRE(decode("\\x00ff7F", b));
  CHECK(b == Bytes{0x00, 0xff, 0x7f});
  CHECK(to_text(b) == "\\x00ff7f");
  CHECK_FALSE(decode("00ff", b));
  CHECK_FALSE(decode("\\x0", b));
  CHECK_FALSE(decode("\\xzz", b));
}

TEST_CASE("integers and booleans decode strictly", "[unit]") {
  std::int64_t i = 0;
  CHECK(decode("-9223372036854775808", i));
  CHECK_FALSE(decode("9223372036854775808", i));
  CHECK_FALSE(decode("12abc", i));
  bool flag = false;
  CHECK(decode("t", flag));
  CHECK(flag);
  CHECK_FALSE(decode("true", flag));  // text output format is t/f
}

TEST_CASE("SQLSTATEs map to stable codes", "[unit]") {
  struct Case {
    const char* state;
    const char* code;
  };
  for (auto c : {Case{"23505", "pg_unique_violation"}, Case{"23503", "pg_foreign_key_violation"},
                 Case{"23P01", "pg_constraint_violation"}, Case{"57014", "pg_statement_timeout"},
                 Case{"57P01", "pg_unavailable"}, Case{"08006", "pg_unavailable"},
                 Case{"53300", "pg_unavailable"}, Case{"40001", "pg_serialization_failure"},
                 Case{"40P01", "pg_deadlock"}, Case{"22P02", "pg_invalid_data"},
                 Case{"42P01", "pg_bad_statement"}, Case{"P0001", "pg_raised"},
                 Case{"XX000", "pg_error"}, Case{"", "pg_unavailable"}}) {
    INFO(c.state);
    CHECK(detail::code_for_sqlstate(c.state) == c.code);
  }
  CHECK(sqlstate(make_error("pg_error", "boom (SQLSTATE XX000)").context("job")) == "XX000");
  CHECK(sqlstate(make_error("timeout", "no answer")).empty());
}
