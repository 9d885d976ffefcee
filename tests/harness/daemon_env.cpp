// Owns the end-to-end environment (services, keyring, config file) and a tiny HTTP GET.
#include "harness/daemon_env.hpp"

#include "crypto/key_file.hpp"
#include "harness/free_port.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace blazed::testing {

DaemonEnv::DaemonEnv(const DaemonEnvOptions& options)
    : redis_(options.redis_args),
      db_(options.postgres != nullptr ? *options.postgres : test_postgres()),
      health_port_(free_port()) {
  std::filesystem::create_directory(dir_ / "keys");
  std::filesystem::permissions(dir_ / "keys", std::filesystem::perms::owner_all);
  if (!crypto::generate_key_file(dir_ / "keys", "k1"))
    throw std::runtime_error("DaemonEnv: could not generate a key");
}

namespace {

void write_daemon_config(const std::filesystem::path& path, const std::string& instance_id,
                         const RedisServer& redis, const PgDatabase& db, const std::string& socket,
                         std::uint16_t health_port, const std::filesystem::path& keys,
                         const std::string& extra_yaml) {
  std::ofstream out(path);
  out << "instance_id: " << instance_id << "\n"
      << "redis:\n  url: " << redis.url() << "\n  connect_timeout: 500ms\n  command_timeout: 1s\n"
      << "  reconnect_max_delay: 200ms\n"
      << "postgres:\n  dsn: \"" << db.dsn() << "\"\n  reconnect_max_delay: 200ms\n"
      << "control:\n  socket: " << socket << "\n"
      << "health:\n  port: " << health_port << "\n"
      << "keyring:\n  dir: " << keys.string() << "\n  active_key: k1\n"
      << extra_yaml;
}

}  // namespace

std::filesystem::path DaemonEnv::write_config(const std::string& extra_yaml) const {
  auto path = dir_ / "blazed.yaml";
  write_daemon_config(path, "e2e", redis_, db_, socket_path(), health_port_, dir_ / "keys", extra_yaml);
  return path;
}

DaemonInstance DaemonEnv::add_instance(const std::string& id, const std::string& extra_yaml) {
  DaemonInstance instance;
  instance.id = id;
  instance.dir = dir_ / id;
  std::filesystem::create_directory(instance.dir);
  instance.config = instance.dir / "blazed.yaml";
  instance.socket_path = (instance.dir / "control.sock").string();
  ports_taken_.insert(health_port_);
  do instance.health_port = free_port();
  while (!ports_taken_.insert(instance.health_port).second);
  write_daemon_config(instance.config, id, redis_, db_, instance.socket_path, instance.health_port,
                      dir_ / "keys", extra_yaml);
  return instance;
}

HttpAnswer http_get(std::uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  HttpAnswer answer;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return answer;
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (::write(fd, request.data(), request.size()) < 0) {
    ::close(fd);
    return answer;
  }
  std::string raw;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) raw.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (raw.size() > 12 && raw.starts_with("HTTP/1.1 ")) answer.status = std::stoi(raw.substr(9, 3));
  if (auto body = raw.find("\r\n\r\n"); body != std::string::npos) answer.body = raw.substr(body + 4);
  return answer;
}

}  // namespace blazed::testing
