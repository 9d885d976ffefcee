// Owns the control socket's place in the file system (see socket_file.hpp).
#include "control/socket_file.hpp"

#include "control/errc.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace blazed::control {
namespace {

Error sys_error(ErrorCode code, const std::string& what) {
  return make_error(code, what + ": " + std::strerror(errno));
}

// True when something accepts connections on the socket at `path`.
bool someone_listens(const std::string& path) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  bool live = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return live;
}

}  // namespace

Status prepare_socket_path(const std::string& path) {
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return make_error(errc::socket_path, "control socket path is empty or too long: " + path);
  }
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    if (std::filesystem::create_directories(parent, ec)) {
      ::chmod(parent.c_str(), 0750);
    } else if (ec) {
      return make_error(errc::socket_path, "cannot create " + parent.string() + ": " + ec.message());
    }
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return sys_error(errc::socket_path, "cannot stat " + path);
  }
  if (!S_ISSOCK(st.st_mode)) {
    return make_error(errc::socket_path, path + " exists and is not a socket; refusing to replace it");
  }
  if (someone_listens(path)) {
    return make_error(errc::socket_in_use, "another process answers on " + path);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return sys_error(errc::socket_path, "cannot remove stale socket " + path);
  }
  return {};
}

Status set_socket_mode(const std::string& path, unsigned mode) {
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return sys_error(errc::socket_path, "cannot chmod " + path);
  }
  return {};
}

}  // namespace blazed::control
