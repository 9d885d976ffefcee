// Owns the hiredis event hooks implemented with Asio: one Watcher per connection keeps at most
// one read wait and one write wait armed and never blocks the loop.
#include "redis/asio_events.hpp"

#include <hiredis/async.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <memory>

namespace blazed::redis::detail {
namespace {

namespace asio = boost::asio;
using wait_type = asio::posix::descriptor_base::wait_type;

// Lifetime: the Watcher keeps itself alive through `self` until hiredis calls cleanup (just before
// it frees the context and closes the fd); pending waits hold their own reference, see `ac`
// cleared and do nothing.
struct Watcher : std::enable_shared_from_this<Watcher> {
  Watcher(const asio::any_io_executor& ex, redisAsyncContext* c)
      : ac(c), descriptor(ex, c->c.fd) {}

  redisAsyncContext* ac;
  asio::posix::stream_descriptor descriptor;
  std::shared_ptr<Watcher> self;
  bool want[2] = {false, false};   // [0] read, [1] write: what hiredis asked for
  bool armed[2] = {false, false};  // a wait of that kind is in flight

  void arm(int kind) {
    if (armed[kind] || ac == nullptr) return;
    armed[kind] = true;
    descriptor.async_wait(kind == 0 ? wait_type::wait_read : wait_type::wait_write,
                          [w = shared_from_this(), kind](boost::system::error_code ec) {
                            w->armed[kind] = false;
                            if (ec || w->ac == nullptr || !w->want[kind]) return;
                            if (kind == 0) {
                              redisAsyncHandleRead(w->ac);
                            } else {
                              redisAsyncHandleWrite(w->ac);
                            }
                            // The handler may have freed the context (cleanup cleared ac).
                            if (w->ac != nullptr && w->want[kind]) w->arm(kind);
                          });
  }

  static Watcher* of(void* p) { return static_cast<Watcher*>(p); }
  static void add_read(void* p) { of(p)->want[0] = true, of(p)->arm(0); }
  static void del_read(void* p) { of(p)->want[0] = false; }
  static void add_write(void* p) { of(p)->want[1] = true, of(p)->arm(1); }
  static void del_write(void* p) { of(p)->want[1] = false; }
  static void cleanup(void* p) {
    Watcher* w = of(p);
    w->ac = nullptr;
    w->want[0] = w->want[1] = false;
    (void)w->descriptor.release();  // cancels pending waits; hiredis closes the fd itself
    std::shared_ptr<Watcher> last = std::move(w->self);  // may destroy w on return
  }
};

}  // namespace

bool attach(redisAsyncContext* ac, const asio::any_io_executor& executor) {
  if (ac == nullptr || ac->err != 0 || ac->ev.data != nullptr) return false;
  auto w = std::make_shared<Watcher>(executor, ac);
  w->self = w;
  ac->ev.data = w.get();
  ac->ev.addRead = &Watcher::add_read;
  ac->ev.delRead = &Watcher::del_read;
  ac->ev.addWrite = &Watcher::add_write;
  ac->ev.delWrite = &Watcher::del_write;
  ac->ev.cleanup = &Watcher::cleanup;
  return true;
}

}  // namespace blazed::redis::detail
