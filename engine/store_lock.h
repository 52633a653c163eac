// The process lock on a store folder: one writer process per store. An advisory flock on
// `<store>/redline.lock`, released by the kernel if the process dies, so a crash never
// leaves a store locked. Functions are thread-safe.
#pragma once

#include <string>

#include "events/status.h"

namespace redline {

// Takes the lock and returns its file descriptor. `storage_error` naming the holder's pid
// ("store ... is in use by another process") when another process holds it.
Result<int> acquire_store_lock(const std::string& store_path);

// Whether the process that last took the lock is still running (the lock file names it),
// found without touching the lock, so a writer starting meanwhile is never refused. A
// follower uses it to tell a store being created from one that is not a Redline store.
bool store_lock_holder_alive(const std::string& store_path);

// Releases a lock taken by acquire_store_lock; ignores -1.
void release_store_lock(int fd);

}  // namespace redline
