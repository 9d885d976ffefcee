// Tests the log line format (JSON and text), component levels and redaction of whole lines.
#include "core/log.hpp"
#include "core/redact.hpp"
#include "core/secret.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include <algorithm>

namespace blog = blazed::log;

namespace {
struct Capture {
  std::string lines;
  Capture() { blog::capture_to(&lines); }
  ~Capture() {
    blog::capture_to(nullptr);
    blog::configure({});
  }
};
}  // namespace

TEST_CASE("a JSON line carries level, component, message and typed fields", "[unit]") {
  Capture cap;
  blog::configure({});
  blog::Logger("queue").info("job done \"quoted\"", {{"job_id", 42}, {"ok", true}, {"queue", "sync"}});
  auto v = boost::json::parse(cap.lines).as_object();
  CHECK(v.at("level") == "info");
  CHECK(v.at("component") == "queue");
  CHECK(v.at("msg") == "job done \"quoted\"");
  CHECK(v.at("job_id") == 42);
  CHECK(v.at("ok") == true);
  CHECK(v.at("queue") == "sync");
  CHECK(v.at("ts").as_string().size() == 24);
}

TEST_CASE("component levels override the default level", "[unit]") {
  Capture cap;
  blog::Settings s;
  s.level = blog::Level::warn;
  s.components["redis"] = blog::Level::debug;
  blog::configure(s);
  blog::Logger("redis").debug("shown");
  blog::Logger("pg").info("hidden");
  blog::Logger("pg").error("shown too");
  CHECK(cap.lines.find("hidden") == std::string::npos);
  CHECK(cap.lines.find("\"shown\"") != std::string::npos);
  CHECK(cap.lines.find("shown too") != std::string::npos);
}

TEST_CASE("secrets and e-mails in messages and fields are redacted", "[unit]") {
  Capture cap;
  blog::configure({});
  blazed::register_secret(blazed::Secret("canary-password-991"));
  blog::Logger("x").error("login failed for canary-password-991",
                         {{"email", "pii.canary@example.com"}, {"token", "Atza|abc"}});
  blazed::forget_registered_secrets();
  CHECK(cap.lines.find("canary-password-991") == std::string::npos);
  CHECK(cap.lines.find("pii.canary@example.com") == std::string::npos);
  CHECK(cap.lines.find("Atza|abc") == std::string::npos);
  CHECK_NOTHROW(boost::json::parse(cap.lines));
}

TEST_CASE("text format is one readable line", "[unit]") {
  Capture cap;
  blog::Settings s;
  s.format = blog::Format::text;
  blog::configure(s);
  blog::Logger("server").info("ready", {{"port", 9464}});
  CHECK(cap.lines.find("INFO  server: ready port=9464") != std::string::npos);
}

TEST_CASE("a secret with quotes and backslashes is redacted before escaping, in both formats", "[unit]") {
  const std::string canary = "canary\"quote\\slash-77";
  for (auto format : {blog::Format::json, blog::Format::text}) {
    Capture cap;
    blog::Settings s;
    s.format = format;
    blog::configure(s);
    blazed::register_secret(blazed::Secret(canary));
    blog::Logger("x").warn("upstream said " + canary, {{"body", "{\"t\":\"" + canary + "\"}"}});
    blazed::forget_registered_secrets();
    CAPTURE(cap.lines);
    CHECK(cap.lines.find("canary") == std::string::npos);
    CHECK(cap.lines.find("quote") == std::string::npos);
  }
}

TEST_CASE("text lines escape control characters: a value cannot forge a line", "[unit]") {
  Capture cap;
  blog::Settings s;
  s.format = blog::Format::text;
  blog::configure(s);
  blog::Logger("x").info("first\nFORGED  x: fake entry", {{"v", "a\r\nb\x1b[31m"}});
  CAPTURE(cap.lines);
  CHECK(std::count(cap.lines.begin(), cap.lines.end(), '\n') == 1);  // the line's own end only
  CHECK(cap.lines.find("first\\nFORGED") != std::string::npos);
  CHECK(cap.lines.find("v=a\\r\\nb\\x1b[31m") != std::string::npos);
  CHECK(cap.lines.find('\x1b') == std::string::npos);
}
