// Owns the sellers duty's registration: its token commands and the seller metrics' refresh; it has
// no job type of its own.
#include "jobs/sellers/sellers_duty.hpp"

#include "jobs/sellers/seller_metrics.hpp"
#include "jobs/sellers/sellers_commands.hpp"

namespace blazed::jobs::sellers {

Duty sellers_duty() {
  return {.name = "sellers", .doc = "docs/sellers.md", .commands = register_seller_token_commands,
          .background = run_seller_metrics};
}

}  // namespace blazed::jobs::sellers
