// Tests Secret: comparison, moves that leave nothing behind, and that it is not formattable.
#include "core/secret.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <type_traits>

using blazed::Secret;

template <class T>
concept Streamable = requires(std::ostringstream& os, const T& t) { os << t; };

TEST_CASE("Secret compares by value and cannot be streamed", "[unit]") {
  Secret a("hunter2-canary");
  Secret b("hunter2-canary");
  Secret c("other-value");
  CHECK(a == b);
  CHECK_FALSE(a == c);
  STATIC_REQUIRE_FALSE(Streamable<Secret>);
}

TEST_CASE("a moved-from Secret is empty", "[unit]") {
  Secret a("token-value-123");
  Secret b(std::move(a));
  CHECK(b.reveal() == "token-value-123");
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the point of the test
  Secret c;
  c = std::move(b);
  CHECK(c.reveal() == "token-value-123");
  CHECK(b.empty());  // NOLINT(bugprone-use-after-move)
}
