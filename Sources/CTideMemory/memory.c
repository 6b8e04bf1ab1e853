#define _GNU_SOURCE
#include "CTideMemory.h"

#include <errno.h>
#include <sys/mman.h>

// Swift cannot call mremap: it is variadic in C.

int tide_move_pages(void *source, size_t size, void *target) {
#if defined(__linux__)
    void *moved = mremap(source, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    return moved == MAP_FAILED ? errno : 0;
#else
    (void)source; (void)size; (void)target;
    return ENOSYS;
#endif
}

void *tide_grow_mapping(void *address, size_t size, size_t new_size) {
#if defined(__linux__)
    void *grown = mremap(address, size, new_size, MREMAP_MAYMOVE);
    return grown == MAP_FAILED ? NULL : grown;
#else
    (void)address; (void)size; (void)new_size;
    return NULL;
#endif
}
