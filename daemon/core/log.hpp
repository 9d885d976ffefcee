// Owns blazed's structured logging: one JSON object per line on stdout (journald adds the rest),
// a level per component, and a redaction pass over every line before it leaves the process.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace blazed::log {

enum class Level { trace, debug, info, warn, error, critical, off };

std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

// A structured field: {"job_id": 42}. Values are copied into the line, never kept.
struct Field {
  using Value = std::variant<std::int64_t, std::uint64_t, double, bool, std::string_view>;
  std::string_view key;
  Value value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  template <class I>
    requires std::is_integral_v<I> && (!std::is_same_v<I, bool>)
  Field(std::string_view k, I v)
      : key(k),
        value(std::is_signed_v<I> ? Value(static_cast<std::int64_t>(v))
                                  : Value(static_cast<std::uint64_t>(v))) {}
};
using Fields = std::initializer_list<Field>;

enum class Format { json, text };

struct Settings {
  Level level = Level::info;
  std::map<std::string, Level, std::less<>> components;  // overrides by component name
  Format format = Format::json;
};

// Applies new settings; safe to call at any time (SIGHUP reload).
void configure(const Settings& settings);

// Routes lines to a string instead of stdout (tests that assert on log content); nullptr resets.
void capture_to(std::string* sink);

// A named component's logger. Cheap to copy; looks its level up on each call so reloads apply.
class Logger {
 public:
  explicit Logger(std::string component) : component_(std::move(component)) {}

  [[nodiscard]] bool enabled(Level level) const;
  void write(Level level, std::string_view message, Fields fields = {}) const;

  void trace(std::string_view m, Fields f = {}) const { write(Level::trace, m, f); }
  void debug(std::string_view m, Fields f = {}) const { write(Level::debug, m, f); }
  void info(std::string_view m, Fields f = {}) const { write(Level::info, m, f); }
  void warn(std::string_view m, Fields f = {}) const { write(Level::warn, m, f); }
  void error(std::string_view m, Fields f = {}) const { write(Level::error, m, f); }
  void critical(std::string_view m, Fields f = {}) const { write(Level::critical, m, f); }

  [[nodiscard]] const std::string& component() const { return component_; }

 private:
  std::string component_;
};

}  // namespace blazed::log
