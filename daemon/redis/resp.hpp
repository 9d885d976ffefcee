// Owns the Redis wire format (RESP2): commands encoded as arrays of bulk strings, replies decoded
// by hiredis's reply reader into Reply values.
#pragma once

#include "core/error.hpp"
#include "redis/args.hpp"
#include "redis/reply.hpp"

#include <cstddef>
#include <optional>
#include <string>

struct redisReader;

namespace blazed::redis {

// Appends `args` to `out` as one RESP command.
void append_command(std::string& out, const Args& args);

// Decodes a byte stream into replies: feed() what was read, then next() until it has nothing.
class ReplyDecoder {
 public:
  ReplyDecoder();
  ~ReplyDecoder();
  ReplyDecoder(const ReplyDecoder&) = delete;
  ReplyDecoder& operator=(const ReplyDecoder&) = delete;

  void feed(const char* data, std::size_t size);
  // The next complete reply; nullopt when more bytes are needed. Fails "redis_error" on bytes
  // that are not RESP (the stream is then unusable).
  Result<std::optional<Reply>> next();

 private:
  redisReader* reader_;
};

}  // namespace blazed::redis
