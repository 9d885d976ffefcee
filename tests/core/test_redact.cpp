// Tests the redaction pass: registered secrets, LWA token shapes and e-mail addresses.
#include "core/redact.hpp"
#include "core/secret.hpp"

#include <catch2/catch.hpp>

using blazed::redact;

TEST_CASE("registered secrets are masked wherever they appear", "[unit]") {
  blazed::register_secret(blazed::Secret("s3cr3t-canary-value"));
  CHECK(redact("password=s3cr3t-canary-value;x") == "password=[redacted];x");
  CHECK(redact("a s3cr3t-canary-value b s3cr3t-canary-value") == "a [redacted] b [redacted]");
  blazed::forget_registered_secrets();
  CHECK(redact("s3cr3t-canary-value") == "s3cr3t-canary-value");
}

TEST_CASE("short secrets are not registered (they would mask ordinary words)", "[unit]") {
  blazed::register_secret(blazed::Secret("abc"));
  CHECK(redact("abc abc") == "abc abc");
  blazed::forget_registered_secrets();
}

TEST_CASE("LWA token shapes are masked", "[unit]") {
  struct Case {
    std::string in, out;
  };
  auto c = GENERATE(values<Case>({
      {"token Atza|IwEBIA-xyz_12.3 end", "token [redacted] end"},
      {"\"refresh\":\"Atzr|IwEBIKl0+/=\"", "\"refresh\":\"[redacted]\""},
      {"secret amzn1.oa2-cs.v1.abcdef0123", "secret [redacted]"},
      {"no token here", "no token here"},
  }));
  CHECK(redact(c.in) == c.out);
}

TEST_CASE("e-mail addresses are masked, other @ uses are not", "[unit]") {
  struct Case {
    std::string in, out;
  };
  auto c = GENERATE(values<Case>({
      {"buyer jane.doe+x@example.co.uk bought", "buyer [redacted] bought"},
      {"mail to a@b.io.", "mail to [redacted]."},
      {"{\"email\":\"canary@marketplace.amazon.com\"}", "{\"email\":\"[redacted]\"}"},
      {"user@localhost", "user@localhost"},
      {"@ alone", "@ alone"},
      {"x@y", "x@y"},
  }));
  CHECK(redact(c.in) == c.out);
}
