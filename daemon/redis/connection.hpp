// Owns Connection: one open Stream with commands written in order and replies handed back in the
// same order (pipelining). A writer flushes everything queued while the previous write was in
// flight; a reader decodes replies and gives each to the oldest waiting handler.
#pragma once

#include "redis/args.hpp"
#include "redis/reply.hpp"
#include "redis/resp.hpp"
#include "redis/transport.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace blazed::redis {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Gets the reply (to move from), or nullptr when the connection closed before it came. Runs on the
  // connection's executor, inside its read loop or inside close().
  using ReplyHandler = std::function<void(Reply*)>;
  // Told why, once, when the link fails by itself (never after close()).
  using LostHandler = std::function<void(const std::string& why)>;

  Connection(boost::asio::any_io_executor executor, std::unique_ptr<Stream> stream);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts reading replies.
  void start(LostHandler on_lost);
  // Queues one command; false when the connection is closed (the handler is then not kept).
  bool send(const Args& args, ReplyHandler handler);
  // Closes the socket and fails every waiting handler now.
  void close();

  [[nodiscard]] bool is_open() const noexcept { return open_; }
  // Replies read so far: tells a slow server (something comes back) from a dead link.
  [[nodiscard]] std::uint64_t replies_read() const noexcept { return replies_read_; }

 private:
  boost::asio::awaitable<void> read_loop(std::shared_ptr<Connection> self);
  boost::asio::awaitable<void> write_loop(std::shared_ptr<Connection> self);
  void fail(const std::string& why);

  boost::asio::any_io_executor ex_;
  std::unique_ptr<Stream> stream_;
  ReplyDecoder decoder_;
  LostHandler on_lost_;
  std::deque<ReplyHandler> waiting_;
  std::string out_;      // encoded commands not yet handed to a write
  std::string sending_;  // the bytes of the write in flight
  bool open_ = true;
  bool writing_ = false;
  std::uint64_t replies_read_ = 0;
};

}  // namespace blazed::redis
