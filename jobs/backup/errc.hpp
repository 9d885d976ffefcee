// Owns the error codes of jobs/backup: each declared once, each listed in docs/errors.md.
#pragma once

#include "core/error_code.hpp"

namespace blazed::jobs::backup::errc {

BLAZED_ERROR_CODES("jobs/backup",
    backup_bad_manifest, backup_cancelled, backup_checksum_mismatch, backup_compress,
    backup_decompress, backup_drill_check_failed, backup_io, backup_no_targets,
    backup_none_good, backup_not_found, backup_pg_dump_failed, backup_pg_restore_failed,
    backup_pg_version, backup_size_mismatch, backup_spawn, backup_target_not_empty);

}  // namespace blazed::jobs::backup::errc
