// stats 1.0.0: mean and median of 32-bit little-endian signed integers passed as `bytes`.
// Freestanding C for wasm32; built by scripts/build-registry.

#define EXPORT(name) __attribute__((export_name(name)))

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

// alloc(size) -> pointer: space for one `bytes` argument (16-byte aligned). Negative sizes trap.
EXPORT("alloc") unsigned char *alloc(int size) {
    if (size < 0) __builtin_trap();
    return arena_alloc((unsigned long)size);
}

// ---- Statistics ----------------------------------------------------------------------------
// Values are read and written byte-wise (the host may pass any address, aligned or not).

static int load_i32(const unsigned char *p) {
    int v;
    __builtin_memcpy(&v, p, 4); // wasm32 is little-endian: one unaligned i32.load
    return v;
}

static void store_i32(unsigned char *p, int v) {
    __builtin_memcpy(p, &v, 4);
}

// The number of values in (data, len); a length that is not a multiple of 4 traps.
static int value_count(int len) {
    if (len < 0 || (len & 3) != 0) __builtin_trap();
    return len / 4;
}

// mean(data) -> f64: arithmetic mean (exact 64-bit sum); 0 for empty input.
EXPORT("mean") double mean(const unsigned char *data, int len) {
    int n = value_count(len);
    long long sum = 0;
    for (int i = 0; i < n; i++) sum += load_i32(data + 4 * i);
    arena_reset();
    return n == 0 ? 0.0 : (double)sum / (double)n;
}

static void sift_down(unsigned char *data, int root, int n) {
    for (;;) {
        int child = 2 * root + 1;
        if (child >= n) return;
        if (child + 1 < n && load_i32(data + 4 * (child + 1)) > load_i32(data + 4 * child)) child++;
        int r = load_i32(data + 4 * root), c = load_i32(data + 4 * child);
        if (r >= c) return;
        store_i32(data + 4 * root, c);
        store_i32(data + 4 * child, r);
        root = child;
    }
}

// Heapsort in place: O(n log n), no extra memory.
static void sort_i32(unsigned char *data, int n) {
    for (int i = n / 2 - 1; i >= 0; i--) sift_down(data, i, n);
    for (int end = n - 1; end > 0; end--) {
        int top = load_i32(data);
        store_i32(data, load_i32(data + 4 * end));
        store_i32(data + 4 * end, top);
        sift_down(data, 0, end);
    }
}

// median(data) -> f64: middle value; the mean of the two middle values for an even count;
// 0 for empty input. Sorts the argument in place (it is the module's own copy).
EXPORT("median") double median(unsigned char *data, int len) {
    int n = value_count(len);
    double result = 0.0;
    if (n > 0) {
        sort_i32(data, n);
        if (n & 1) {
            result = (double)load_i32(data + 4 * (n / 2));
        } else {
            result = ((double)load_i32(data + 4 * (n / 2 - 1)) + (double)load_i32(data + 4 * (n / 2))) / 2.0;
        }
    }
    arena_reset();
    return result;
}
