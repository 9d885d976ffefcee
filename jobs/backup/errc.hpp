// Owns the error codes of jobs/backup: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

#include <array>

namespace blazed::jobs::backup::errc {

inline constexpr ErrorCode backup_bad_manifest{"backup_bad_manifest", "jobs/backup"};
inline constexpr ErrorCode backup_cancelled{"backup_cancelled", "jobs/backup"};
inline constexpr ErrorCode backup_checksum_mismatch{"backup_checksum_mismatch", "jobs/backup"};
inline constexpr ErrorCode backup_compress{"backup_compress", "jobs/backup"};
inline constexpr ErrorCode backup_decompress{"backup_decompress", "jobs/backup"};
inline constexpr ErrorCode backup_drill_check_failed{"backup_drill_check_failed", "jobs/backup"};
inline constexpr ErrorCode backup_io{"backup_io", "jobs/backup"};
inline constexpr ErrorCode backup_no_targets{"backup_no_targets", "jobs/backup"};
inline constexpr ErrorCode backup_none_good{"backup_none_good", "jobs/backup"};
inline constexpr ErrorCode backup_not_found{"backup_not_found", "jobs/backup"};
inline constexpr ErrorCode backup_pg_dump_failed{"backup_pg_dump_failed", "jobs/backup"};
inline constexpr ErrorCode backup_pg_restore_failed{"backup_pg_restore_failed", "jobs/backup"};
inline constexpr ErrorCode backup_pg_version{"backup_pg_version", "jobs/backup"};
inline constexpr ErrorCode backup_size_mismatch{"backup_size_mismatch", "jobs/backup"};
inline constexpr ErrorCode backup_spawn{"backup_spawn", "jobs/backup"};
inline constexpr ErrorCode backup_target_not_empty{"backup_target_not_empty", "jobs/backup"};

// Every code above, for the check against docs/errors.md.
inline constexpr std::array all{backup_bad_manifest, backup_cancelled, backup_checksum_mismatch, backup_compress, backup_decompress, backup_drill_check_failed, backup_io, backup_no_targets, backup_none_good, backup_not_found, backup_pg_dump_failed, backup_pg_restore_failed, backup_pg_version, backup_size_mismatch, backup_spawn, backup_target_not_empty};

}  // namespace blazed::jobs::backup::errc
