// Owns log::failure (see log_failure.hpp).
#include "core/log_failure.hpp"

#include "core/errc.hpp"

namespace blazed::log {

void failure(const Logger& logger, std::string_view message, const Error& e) {
  const Level level = e.code == blazed::errc::cancelled ? Level::debug : Level::warn;
  logger.write(level, message, {{"error", e.message}, {"code", e.code}});
}

}  // namespace blazed::log
