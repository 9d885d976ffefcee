// Owns the one-question exchange with each sentinel.
#include "redis/sentinel.hpp"

#include "redis/connection.hpp"
#include "redis/errc.hpp"
#include "redis/transport.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <optional>

namespace blazed::redis {

namespace asio = boost::asio;

namespace {

// One command on a fresh connection; the reply, or why there is none.
asio::awaitable<Result<Reply>> ask(asio::any_io_executor ex, std::unique_ptr<Stream> stream,
                                   const Args& args, std::chrono::milliseconds timeout) {
  auto conn = std::make_shared<Connection>(ex, std::move(stream));
  conn->start({});
  asio::steady_timer timer(ex, timeout);
  std::optional<Reply> got;
  bool answered = false;
  conn->send(args, [&](Reply* r) {
    answered = true;
    if (r != nullptr) got = std::move(*r);
    timer.cancel();
  });
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  const bool timed_out = !answered;
  conn->close();  // runs the handler now if it has not run: nothing refers to this frame after
  if (timed_out) co_return make_error(errc::redis_unavailable, "no answer in time");
  if (!got) co_return make_error(errc::redis_unavailable, "connection lost");
  co_return std::move(*got);
}

// ["ip", "port"] -> HostPort; nullopt for nil (the sentinel does not know the name) or garbage.
std::optional<HostPort> master_address(const Reply& r) {
  if (!r.is_array() || r.size() != 2 || !r[0].is_string() || !r[1].is_string()) return std::nullopt;
  HostPort hp{.host = r[0].str(), .port = 0};
  const std::string& port = r[1].str();
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), hp.port);
  if (ec != std::errc{} || end != port.data() + port.size() || hp.port == 0) return std::nullopt;
  return hp;
}

}  // namespace

asio::awaitable<Result<HostPort>> discover_master(asio::any_io_executor executor,
                                                  const Endpoint& endpoint, asio::ssl::context* tls,
                                                  std::chrono::milliseconds timeout) {
  std::string reasons;
  for (const HostPort& sentinel : endpoint.sentinels) {
    std::string why;
    auto stream = co_await open_tcp(executor, sentinel, tls, timeout);
    if (!stream) {
      why = stream.error().message;
    } else {
      Args question;
      question.add("SENTINEL").add("get-master-addr-by-name").add(endpoint.master_name);
      auto reply = co_await ask(executor, std::move(*stream), question, timeout);
      if (!reply) {
        why = reply.error().message;
      } else if (auto master = master_address(*reply)) {
        co_return std::move(*master);
      } else {
        // An error reply's first word only (NOAUTH, ERR): never echo arguments.
        why = reply->is_error() ? "refused (" + reply->str().substr(0, reply->str().find(' ')) + ")"
                                : "does not know master '" + endpoint.master_name + "'";
      }
    }
    if (!reasons.empty()) reasons += "; ";
    reasons += sentinel.describe() + ": " + why;
  }
  co_return make_error(errc::redis_no_master,
                       "redis: no sentinel named the master '" + endpoint.master_name + "' (" + reasons + ")");
}

}  // namespace blazed::redis
