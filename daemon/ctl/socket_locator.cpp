// Owns how blazectl finds the control socket (see socket_locator.hpp).
#include "ctl/socket_locator.hpp"

#include "core/errc.hpp"

#include <yaml-cpp/yaml.h>

namespace blazed::ctl {

Result<std::string> locate_socket(const SocketSources& sources) {
  auto chosen = [](std::string path) {
    return Result<std::string>(boost::system::in_place_value, std::move(path));
  };
  if (sources.flag) return chosen(*sources.flag);
  if (sources.env && !sources.env->empty()) return chosen(*sources.env);
  if (sources.config_file) {
    try {
      // Only the one key matters here; the daemon's loader validates the rest.
      YAML::Node root = YAML::LoadFile(*sources.config_file);
      auto socket = root["control"]["socket"];
      if (socket && socket.IsScalar()) return chosen(socket.as<std::string>());
    } catch (const YAML::Exception& e) {
      return make_error(blazed::errc::bad_config, "cannot read " + *sources.config_file + ": " + e.what());
    }
  }
  return chosen(default_socket_path);
}

}  // namespace blazed::ctl
