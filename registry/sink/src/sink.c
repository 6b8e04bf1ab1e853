// sink 1.0.0: keeps results in memory: a ring buffer of the last 1024 values pushed.
// Freestanding C for wasm32; built by scripts/build-registry. State lives as long as the
// module instance.

#define EXPORT(name) __attribute__((export_name(name)))

#define CAPACITY 1024

static double values[CAPACITY];
static int next;  // index the next value goes to
static int held;  // values in the buffer, at most CAPACITY

// push(value) -> i32: appends value (overwriting the oldest once full); returns the number of
// values held (at most 1024).
EXPORT("push") int push(double value) {
    values[next] = value;
    next = (next + 1) % CAPACITY;
    if (held < CAPACITY) held++;
    return held;
}

// count() -> i32: the number of values held (at most 1024).
EXPORT("count") int count(void) {
    return held;
}

// last() -> f64: the most recent value; 0 if none was pushed.
EXPORT("last") double last(void) {
    if (held == 0) return 0.0;
    return values[(next + CAPACITY - 1) % CAPACITY];
}

// sum() -> f64: the sum of the values held, oldest first; 0 if none.
EXPORT("sum") double sum(void) {
    double total = 0.0;
    int start = (next + CAPACITY - held) % CAPACITY;
    for (int i = 0; i < held; i++) total += values[(start + i) % CAPACITY];
    return total;
}
