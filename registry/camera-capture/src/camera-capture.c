// camera-capture 1.0.0: takes an image with the device's camera (host capabilities
// camera.image_size and camera.take_image) and returns its bytes. Freestanding C for wasm32;
// built by scripts/build-registry.

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("camera", "image_size") int camera_image_size(void);
IMPORT("camera", "take_image") int camera_take_image(unsigned char *buffer, int capacity);

// ---- Memory for `bytes` values -------------------------------------------------------------
// A bump arena above the linker's __heap_base, growing linear memory as needed. The host calls
// the exported alloc(size) for each `bytes` argument and writes the argument there; the exported
// function that consumes it resets the arena before returning, so a long-lived instance does not
// keep growing. Allocation failure traps rather than returning a pointer the host would write to.

extern unsigned char __heap_base; // provided by wasm-ld (not exported)

static unsigned long arena_top; // next free address; 0 until first use

static unsigned long arena_start(void) {
    return ((unsigned long)&__heap_base + 15) & ~15ul;
}

static void arena_reset(void) {
    arena_top = arena_start();
}

static unsigned char *arena_alloc(unsigned long size) {
    if (arena_top == 0) arena_reset();
    unsigned long long start = arena_top;
    unsigned long long end = start + size;
    unsigned long long have = (unsigned long long)__builtin_wasm_memory_size(0) * 65536ull;
    if (end > have) {
        unsigned long long pages = (end - have + 65535ull) / 65536ull;
        if (end > 0xffffffffull || __builtin_wasm_memory_grow(0, (unsigned long)pages) == (unsigned long)-1)
            __builtin_trap();
    }
    arena_top = (unsigned long)((end + 15ull) & ~15ull);
    return (unsigned char *)(unsigned long)start;
}

// ---- Camera --------------------------------------------------------------------------------

// capture_size() -> i32: the size in bytes of the next image, as the camera reports it.
EXPORT("capture_size") int capture_size(void) {
    return camera_image_size();
}

// capture() -> bytes: the image, as (pointer << 32) | length into this module's memory. The
// buffer stays valid until the next capture. If the image grew between asking its size and
// taking it (take_image returns -1), asks again, up to 3 attempts; then, or on a negative size,
// traps.
EXPORT("capture") unsigned long long capture(void) {
    for (int attempt = 0; attempt < 3; attempt++) {
        arena_reset();
        int size = camera_image_size();
        if (size < 0) break;
        unsigned char *buffer = arena_alloc((unsigned long)size);
        int written = camera_take_image(buffer, size);
        if (written >= 0 && written <= size)
            return ((unsigned long long)(unsigned long)buffer << 32) | (unsigned long long)(unsigned)written;
    }
    __builtin_trap();
}
