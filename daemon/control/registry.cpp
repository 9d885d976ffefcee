// Owns the table of control commands (see registry.hpp).
#include "control/registry.hpp"

#include "control/errc.hpp"

namespace blazed::control {

Status CommandRegistry::register_command(std::string name, Handler handler, std::string summary) {
  std::lock_guard lock(mutex_);
  if (name.empty() || !handler) return make_error(errc::bad_command, "command needs a name and a handler");
  if (entries_.contains(name)) {
    return make_error(errc::duplicate_command, "command \"" + name + "\" is already registered");
  }
  auto key = name;
  entries_.emplace(std::move(key), Entry{std::move(name), std::move(summary), std::move(handler)});
  return {};
}

Status CommandRegistry::register_all(std::vector<Entry> entries) {
  for (auto& e : entries) {
    if (auto st = register_command(std::move(e.name), std::move(e.handler), std::move(e.summary)); !st) return st;
  }
  return {};
}

std::optional<CommandRegistry::Entry> CommandRegistry::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::vector<CommandRegistry::Entry> CommandRegistry::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Entry> out;
  for (const auto& [name, e] : entries_) out.push_back(e);
  return out;
}

}  // namespace blazed::control
