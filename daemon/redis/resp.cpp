// Owns encoding commands and decoding replies (hiredis's redisReader does the parsing).
#include "redis/resp.hpp"

#include "redis/errc.hpp"

#include <hiredis/hiredis.h>

#include <new>

namespace blazed::redis {
namespace {

Reply convert(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_INTEGER: return Reply::integer(r->integer);
    case REDIS_REPLY_STRING: return Reply::string(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS: return Reply::status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR: return Reply::error(std::string(r->str, r->len));
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) elements.push_back(convert(r->element[i]));
      return Reply::array(std::move(elements));
    }
    default: return Reply{};
  }
}

void append_length(std::string& out, char kind, std::size_t n) {
  out += kind;
  out += std::to_string(n);
  out += "\r\n";
}

}  // namespace

void append_command(std::string& out, const Args& args) {
  append_length(out, '*', args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    append_length(out, '$', args[i].size());
    out.append(args[i]);
    out += "\r\n";
  }
}

ReplyDecoder::ReplyDecoder() : reader_(redisReaderCreate()) {
  if (reader_ == nullptr) throw std::bad_alloc();
}

ReplyDecoder::~ReplyDecoder() { redisReaderFree(reader_); }

void ReplyDecoder::feed(const char* data, std::size_t size) { redisReaderFeed(reader_, data, size); }

Result<std::optional<Reply>> ReplyDecoder::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK)
    return make_error(errc::redis_error, std::string("redis: bad reply bytes: ") + reader_->errstr);
  if (raw == nullptr) return std::optional<Reply>{};
  auto* reply = static_cast<redisReply*>(raw);
  Reply out = convert(reply);
  freeReplyObject(reply);
  return std::optional<Reply>(std::move(out));
}

}  // namespace blazed::redis
