// Owns the declaration of the sellers duty's registration (sellers_duty.cpp).
#pragma once

#include "jobs/duty.hpp"

namespace blazed::jobs::sellers {

// The sellers.connect and sellers.disconnect commands (the store is shared with every duty), and
// the seller metrics refreshed in the background.
Duty sellers_duty();

}  // namespace blazed::jobs::sellers
