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

TEST_CASE("a registered secret is masked percent-encoded and JSON-escaped too", "[unit]") {
  // A canary with a quote, a backslash, a space and a slash: each encoded differently.
  const std::string canary = "pa\"ss\\wo rd/canary-42";
  blazed::register_secret(blazed::Secret(canary));
  CHECK(redact("raw " + canary) == "raw [redacted]");
  CHECK(redact("form password=pa%22ss%5Cwo%20rd%2Fcanary-42&x=1") == "form password=[redacted]&x=1");
  CHECK(redact("query pa%22ss%5cwo%20rd%2fcanary-42") == "query [redacted]");
  CHECK(redact(R"({"p":"pa\"ss\\wo rd/canary-42"})") == R"({"p":"[redacted]"})");
  blazed::forget_registered_secrets();
  CHECK(redact("pa%22ss%5Cwo%20rd%2Fcanary-42").find("canary") != std::string::npos);
}

TEST_CASE("percent-encoded LWA tokens are masked", "[unit]") {
  CHECK(redact("refresh_token=Atzr%7CIwEBIA-abc%2Bdef&grant_type=refresh_token") ==
        "refresh_token=[redacted]&grant_type=refresh_token");
  CHECK(redact("t=Atza%7cIwEBIA-xyz") == "t=[redacted]");
}
