// Owns the formatting of log lines (JSON or text), per-component levels and the stdout sink.
#include "core/log.hpp"
#include "core/log_line.hpp"

#include "core/json_escape.hpp"
#include "core/redact.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <shared_mutex>

namespace blazed::log {
namespace {

struct State {
  std::shared_mutex mutex;
  Settings settings;
  std::string* capture = nullptr;
  bool journald = std::getenv("JOURNAL_STREAM") != nullptr;
  std::shared_ptr<spdlog::logger> sink = [] {
    auto logger = std::make_shared<spdlog::logger>("blazed",
                                                   std::make_shared<spdlog::sinks::stdout_sink_mt>());
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::trace);
    logger->flush_on(spdlog::level::trace);
    return logger;
  }();
};

State& state() {
  static State s;
  return s;
}

// syslog priorities, so journald files each line at the right level.
int syslog_priority(Level level) {
  switch (level) {
    case Level::trace:
    case Level::debug: return 7;
    case Level::info: return 6;
    case Level::warn: return 4;
    case Level::error: return 3;
    default: return 2;
  }
}

std::string timestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

// Text-format lines: control characters written as escapes, so that a value holding "\n" cannot
// start a line of its own (log injection); a backslash is doubled to keep that unambiguous.
void append_text_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    const char* named = c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : nullptr;
    if (named != nullptr) {
      out += named;
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
      out += buf;
    } else {
      out += c;
    }
  }
}

// Every text is redacted raw, before it is escaped: escaping would hide a secret holding '"' or
// '\' from the pass that runs over the finished line.
void append_text(std::string& out, std::string_view text, bool json) {
  const std::string clean = redact(text);
  if (json) {
    append_json_escaped(out, clean);
  } else {
    append_text_escaped(out, clean);
  }
}

void append_value(std::string& out, const Field::Value& value, bool quote_strings) {
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, bool>) {
          out += v ? "true" : "false";
        } else if constexpr (std::is_same_v<V, std::string_view>) {
          if (quote_strings) out += '"';
          append_text(out, v, quote_strings);
          if (quote_strings) out += '"';
        } else {
          out += std::to_string(v);
        }
      },
      value);
}

std::string format_json(Level level, std::string_view component, std::string_view message,
                        Fields fields) {
  std::string line;
  line.reserve(128 + message.size());
  line += R"({"ts":")";
  line += timestamp();
  line += R"(","level":")";
  line += level_name(level);
  line += R"(","component":")";
  append_json_escaped(line, component);
  line += R"(","msg":")";
  append_text(line, message, true);
  line += '"';
  for (const auto& f : fields) {
    line += ",\"";
    append_json_escaped(line, f.key);
    line += "\":";
    append_value(line, f.value, true);
  }
  line += '}';
  return line;
}

std::string format_text(Level level, std::string_view component, std::string_view message,
                        Fields fields) {
  std::string line = timestamp().substr(11);
  line += ' ';
  std::string lvl(level_name(level));
  for (auto& c : lvl) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  lvl.resize(5, ' ');
  line += lvl;
  line += ' ';
  append_text_escaped(line, component);
  line += ": ";
  append_text(line, message, false);
  for (const auto& f : fields) {
    line += ' ';
    append_text_escaped(line, f.key);
    line += '=';
    append_value(line, f.value, false);
  }
  return line;
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
  static constexpr std::pair<std::string_view, Level> names[] = {
      {"trace", Level::trace}, {"debug", Level::debug}, {"info", Level::info},
      {"warn", Level::warn},   {"error", Level::error}, {"critical", Level::critical},
      {"off", Level::off}};
  for (auto [n, l] : names)
    if (n == name) return l;
  return std::nullopt;
}

std::string_view level_name(Level level) {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::critical: return "critical";
    case Level::off: return "off";
  }
  return "info";
}

void configure(const Settings& settings) {
  auto& s = state();
  std::unique_lock lock(s.mutex);
  s.settings = settings;
}

void capture_to(std::string* sink) {
  auto& s = state();
  std::unique_lock lock(s.mutex);
  s.capture = sink;
}

bool Logger::enabled(Level level) const {
  auto& s = state();
  std::shared_lock lock(s.mutex);
  auto it = s.settings.components.find(component_);
  Level threshold = it != s.settings.components.end() ? it->second : s.settings.level;
  return level != Level::off && level >= threshold;
}

std::string format_line(Level level, std::string_view component, std::string_view message, Fields fields) {
  auto& s = state();
  Format format;
  {
    std::shared_lock lock(s.mutex);
    format = s.settings.format;
  }
  // The pieces were redacted raw; the whole line once more catches what only the joined text shows.
  return redact(format == Format::json ? format_json(level, component, message, fields)
                                       : format_text(level, component, message, fields));
}

void Logger::write(Level level, std::string_view message, Fields fields) const {
  if (!enabled(level)) return;
  std::string line = format_line(level, component_, message, fields);
  auto& s = state();
  std::unique_lock lock(s.mutex);
  if (s.capture != nullptr) {
    *s.capture += line;
    *s.capture += '\n';
    return;
  }
  if (s.journald) line.insert(0, "<" + std::to_string(syslog_priority(level)) + ">");
  s.sink->info(line);
}

}  // namespace blazed::log
