// counter 1.0.0: a counter that lives in the instance's linear memory, the smallest stateful
// step. Freestanding C for wasm32; built by scripts/build-registry. Its state moves with it when
// the step is stateful (`state: keep`): see docs/liquid.md.

#define EXPORT(name) __attribute__((export_name(name)))

extern unsigned char __heap_base;

static long long count;

// increment() -> i64: adds one and returns the new count.
EXPORT("increment") long long increment(void) {
    return ++count;
}

// get() -> i64: the count.
EXPORT("get") long long get(void) {
    return count;
}

// add(n: i64) -> i64: adds n (wrapping) and returns the new count.
EXPORT("add") long long add(long long n) {
    count = (long long)((unsigned long long)count + (unsigned long long)n);
    return count;
}

// reserve(kib: i32) -> i32: makes the instance hold at least kib KiB of state after its data,
// growing its memory and filling every byte from the heap on with a pattern (not zeros), as a
// model or a window of readings would; returns the memory size in KiB, or -1 if it cannot grow.
EXPORT("reserve") int reserve(int kib) {
    if (kib < 0) kib = 0;
    unsigned long start = (unsigned long)&__heap_base;
    unsigned long wanted = start + (unsigned long)kib * 1024;
    unsigned long size = __builtin_wasm_memory_size(0) * 65536ul;
    if (wanted > size) {
        unsigned long pages = (wanted - size + 65535) / 65536;
        if (__builtin_wasm_memory_grow(0, pages) == (unsigned long)-1) return -1;
        size = __builtin_wasm_memory_size(0) * 65536ul;
    }
    for (unsigned long address = start; address < size; address++) {
        *(volatile unsigned char *)address = (unsigned char)(address * 31 + 7);
    }
    return (int)(size / 1024);
}
