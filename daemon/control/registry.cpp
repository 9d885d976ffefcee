// Owns the table of control commands (see registry.hpp).
#include "control/registry.hpp"

#include "control/errc.hpp"

namespace blazed::control {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::none: return "none";
    case Role::read: return "read";
    case Role::admin: return "admin";
  }
  return "none";
}

Role role_needed(Effect effect) { return effect == Effect::read_only ? Role::read : Role::admin; }

Status CommandRegistry::register_command(std::string name, Effect effect, Handler handler,
                                         std::string summary, std::vector<std::string> secret_args) {
  std::lock_guard lock(mutex_);
  if (name.empty() || !handler) return make_error(errc::bad_command, "command needs a name and a handler");
  if (entries_.contains(name)) {
    return make_error(errc::duplicate_command, "command \"" + name + "\" is already registered");
  }
  auto key = name;
  entries_.emplace(std::move(key), Entry{std::move(name), std::move(summary), effect, std::move(handler),
                                         std::move(secret_args)});
  return {};
}

Status CommandRegistry::register_all(std::vector<Entry> entries) {
  for (auto& e : entries) {
    if (auto st = register_command(std::move(e.name), e.effect, std::move(e.handler), std::move(e.summary),
                                   std::move(e.secret_args));
        !st)
      return st;
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
