// classifier 1.0.0: a tiny fixed-weight logistic model over raw bytes (e.g. an image): the mean
// brightness x in [0, 1] gives p = sigmoid(10 x - 5), and p picks one of three classes
// (data/labels.txt): 0 dark (p < 1/3), 1 medium, 2 bright (p >= 2/3). The arithmetic comes from
// the mathlib package (imports mathlib.weighted and mathlib.sigmoid, linked at run time).
// Freestanding C for wasm32; built by scripts/build-registry.

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("mathlib", "sigmoid") float mathlib_sigmoid(float x);
IMPORT("mathlib", "weighted") float mathlib_weighted(float x, float w, float b);

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

// ---- Model ---------------------------------------------------------------------------------

#define WEIGHT 10.0f
#define BIAS (-5.0f)

// score(x) -> f32: the model's probability of "bright" for a mean brightness x in [0, 1].
EXPORT("score") float score(float x) {
    return mathlib_sigmoid(mathlib_weighted(x, WEIGHT, BIAS));
}

// classify(data) -> i32: class index 0 (dark), 1 (medium) or 2 (bright) of the bytes' mean
// brightness; empty input counts as brightness 0.
EXPORT("classify") int classify(const unsigned char *data, int len) {
    if (len < 0) __builtin_trap();
    unsigned long long sum = 0;
    for (int i = 0; i < len; i++) sum += data[i];
    arena_reset();
    float brightness = len == 0 ? 0.0f : (float)((double)sum / (double)len / 255.0);
    float p = score(brightness);
    if (p < 1.0f / 3.0f) return 0;
    if (p < 2.0f / 3.0f) return 1;
    return 2;
}
