// fibo 1.0.0: Fibonacci numbers on i64, wrapping modulo 2^64 on overflow.
// Freestanding C for wasm32; built by scripts/build-registry.

typedef unsigned long long u64;

#define EXPORT(name) __attribute__((export_name(name)))

// The n-th Fibonacci number modulo 2^64, by fast doubling: a loop over the bits of n
// (O(log n) steps, so a huge n cannot stall the device), using
//   F(2k) = F(k) * (2 F(k+1) - F(k)),  F(2k+1) = F(k)^2 + F(k+1)^2.
static u64 fib_wrapping(u64 n) {
    u64 a = 0, b = 1; // F(k), F(k+1) for k = the bits of n seen so far
    for (int bit = 63; bit >= 0; bit--) {
        u64 c = a * (2 * b - a);
        u64 d = a * a + b * b;
        if ((n >> bit) & 1) {
            a = d;
            b = c + d;
        } else {
            a = c;
            b = d;
        }
    }
    return a;
}

// fibo(0) = 0, fibo(1) = 1; results wrap on overflow (fibo(93) and up); negative n gives 0.
EXPORT("fibo") long long fibo(long long n) {
    if (n < 0) return 0;
    return (long long)fib_wrapping((u64)n);
}
