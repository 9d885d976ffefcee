// Owns the read and write loops of one Redis connection and matching replies to commands.
#include "redis/connection.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/error.hpp>

#include <array>

namespace blazed::redis {

namespace asio = boost::asio;

Connection::Connection(asio::any_io_executor executor, std::unique_ptr<Stream> stream)
    : ex_(std::move(executor)), stream_(std::move(stream)) {}

void Connection::start(LostHandler on_lost) {
  on_lost_ = std::move(on_lost);
  asio::co_spawn(ex_, read_loop(shared_from_this()), asio::detached);
}

bool Connection::send(const Args& args, ReplyHandler handler) {
  if (!open_) return false;
  append_command(out_, args);
  waiting_.push_back(std::move(handler));
  if (!writing_) {
    writing_ = true;
    // Started on the next turn of the loop, so commands queued in this turn go in one write.
    asio::co_spawn(ex_, write_loop(shared_from_this()), asio::detached);
  }
  return true;
}

void Connection::close() {
  if (!open_) return;
  open_ = false;
  stream_->close();
  std::deque<ReplyHandler> failed;
  failed.swap(waiting_);
  for (auto& h : failed) h(nullptr);
}

void Connection::fail(const std::string& why) {
  if (!open_) return;
  close();
  if (on_lost_) on_lost_(why);
}

asio::awaitable<void> Connection::read_loop(std::shared_ptr<Connection> self) {
  std::array<char, 16 * 1024> buf;
  while (open_) {
    auto [ec, n] = co_await stream_->read_some(asio::buffer(buf));
    if (!open_) break;
    if (ec) {
      fail(ec == asio::error::eof ? std::string("closed by the server") : ec.message());
      break;
    }
    decoder_.feed(buf.data(), n);
    while (open_) {
      auto reply = decoder_.next();
      if (!reply) {
        fail(reply.error().message);
        break;
      }
      if (!*reply) break;
      ++replies_read_;
      if (waiting_.empty()) {
        fail("a reply nobody asked for");
        break;
      }
      ReplyHandler h = std::move(waiting_.front());
      waiting_.pop_front();
      h(&**reply);  // may close() this connection: the loop re-checks open_
    }
  }
  (void)self;
}

asio::awaitable<void> Connection::write_loop(std::shared_ptr<Connection> self) {
  while (open_ && !out_.empty()) {
    sending_.swap(out_);
    out_.clear();
    auto [ec, n] = co_await stream_->write(asio::buffer(sending_));
    (void)n;
    sending_.clear();
    if (ec) fail(ec.message());
  }
  writing_ = false;
  (void)self;
}

}  // namespace blazed::redis
