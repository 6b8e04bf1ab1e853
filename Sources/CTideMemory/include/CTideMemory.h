#ifndef CTIDEMEMORY_H
#define CTIDEMEMORY_H

#include <stddef.h>

/// Moves the pages of [source, source + size) onto [target, target + size), replacing what was
/// mapped there, without copying them (Linux mremap, MREMAP_MAYMOVE | MREMAP_FIXED). Both
/// addresses page-aligned, size a whole number of pages. Returns 0, or the errno (ENOSYS where
/// the system has no mremap); on failure nothing moved.
int tide_move_pages(void *source, size_t size, void *target);

/// Grows the anonymous mapping at address from size to new_size bytes, moving it if it must
/// (mremap MREMAP_MAYMOVE); the new pages read as zeros. Returns its address, or NULL.
void *tide_grow_mapping(void *address, size_t size, size_t new_size);

#endif
