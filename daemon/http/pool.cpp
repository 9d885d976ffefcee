// Owns the idle-connection pool of the HTTP client.
#include "http/pool.hpp"

namespace blazed::http {

boost::beast::tcp_stream& Connection::tcp() {
  return tls ? boost::beast::get_lowest_layer(*tls) : *plain;
}

void Connection::close() {
  boost::system::error_code ec;
  tcp().socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  tcp().socket().close(ec);
}

std::unique_ptr<Connection> ConnectionPool::take(const std::string& origin) {
  auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  const auto now = std::chrono::steady_clock::now();
  while (!list.empty()) {
    std::unique_ptr<Connection> conn = std::move(list.back());
    list.pop_back();
    if (now - conn->idle_since <= idle_timeout_) return conn;
    conn->close();
  }
  return nullptr;
}

void ConnectionPool::give_back(std::unique_ptr<Connection> conn) {
  auto& list = idle_[conn->origin];
  if (list.size() >= max_idle_) {
    conn->close();
    return;
  }
  conn->idle_since = std::chrono::steady_clock::now();
  list.push_back(std::move(conn));
}

std::size_t ConnectionPool::idle_count(const std::string& origin) const {
  auto it = idle_.find(origin);
  return it == idle_.end() ? 0 : it->second.size();
}

void ConnectionPool::clear() {
  for (auto& [origin, list] : idle_) {
    for (auto& conn : list) conn->close();
  }
  idle_.clear();
}

}  // namespace blazed::http
