// fibo 1.1.0: Fibonacci numbers on i64 (wrapping modulo 2^64), and modulo m.
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

// (a + b) mod m for a, b < m <= 2^63 - 1: the sum cannot overflow 64 bits.
static u64 add_mod(u64 a, u64 b, u64 m) {
    return (a + b) % m;
}

// (a * b) mod m without 128-bit arithmetic, by doubling and adding.
static u64 mul_mod(u64 a, u64 b, u64 m) {
    u64 result = 0;
    while (b) {
        if (b & 1) result = add_mod(result, a, m);
        a = add_mod(a, a, m);
        b >>= 1;
    }
    return result;
}

// fibo_mod(n, m) = F(n) mod m, exact (not the wrapped fibo(n) mod m). m must be positive:
// m <= 0 traps. Negative n gives 0.
EXPORT("fibo_mod") long long fibo_mod(long long n, long long m) {
    if (m <= 0) __builtin_trap();
    if (n < 0) return 0;
    u64 mod = (u64)m;
    u64 a = 0, b = 1 % mod;
    for (int bit = 63; bit >= 0; bit--) {
        u64 twice_b = add_mod(b, b, mod);
        u64 c = mul_mod(a, add_mod(twice_b, mod - a, mod), mod); // a * (2b - a)
        u64 d = add_mod(mul_mod(a, a, mod), mul_mod(b, b, mod), mod);
        if (((u64)n >> bit) & 1) {
            a = d;
            b = add_mod(c, d, mod);
        } else {
            a = c;
            b = d;
        }
    }
    return (long long)a;
}
