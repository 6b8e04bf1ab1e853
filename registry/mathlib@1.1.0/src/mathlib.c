// mathlib 1.1.0: scalar f32 helpers (adds tanh_approx), meant to be imported by other modules (import module
// "mathlib") and callable over HTTP. Freestanding C for wasm32; built by scripts/build-registry.
// Only scalar signatures: a dependency cannot see pointers into its caller's memory.

typedef unsigned long long u64;

#define EXPORT(name) __attribute__((export_name(name)))

// e^x in double precision (no libc): x = k ln2 + r with |r| <= ln2/2, e^r by its Taylor
// polynomial (error below 1e-9 relative), then scaled by 2^k through the exponent bits.
// Only used for |x| <= 200, where 2^k stays a normal double.
static double exp_d(double x) {
    if (x > 200.0) x = 200.0;
    if (x < -200.0) x = -200.0;
    double kd = __builtin_rint(x * 1.4426950408889634);
    double r = (x - kd * 0.6931471803691238) - kd * 1.9082149292705877e-10;
    double p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120
        + r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320 + r / 362880.0))))))));
    int k = (int)kd;
    u64 bits = (u64)(k + 1023) << 52;
    double scale;
    __builtin_memcpy(&scale, &bits, 8);
    return p * scale;
}

// sigmoid(x) = 1 / (1 + e^-x); NaN stays NaN.
EXPORT("sigmoid") float sigmoid(float x) {
    if (x != x) return x;
    return (float)(1.0 / (1.0 + exp_d(-(double)x)));
}

// relu(x) = max(x, 0); NaN stays NaN.
EXPORT("relu") float relu(float x) {
    if (x != x) return x;
    return x > 0.0f ? x : 0.0f;
}

// clamp(x, lo, hi) = min(max(x, lo), hi): hi wins if lo > hi.
EXPORT("clamp") float clamp(float x, float lo, float hi) {
    if (x < lo) x = lo;
    if (x > hi) x = hi;
    return x;
}

// weighted(x, w, b) = x * w + b (one neuron input; chain calls to sum several features).
EXPORT("weighted") float weighted(float x, float w, float b) {
    return x * w + b;
}

// tanh_approx(x): tanh through exp_d, (e^2x - 1) / (e^2x + 1), accurate to about 1e-7;
// x - x^3/3 near 0 (no cancellation), +-1 beyond |x| = 10. NaN stays NaN.
EXPORT("tanh_approx") float tanh_approx(float x) {
    if (x != x) return x;
    double d = (double)x;
    if (d > 10.0) return 1.0f;
    if (d < -10.0) return -1.0f;
    if (__builtin_fabs(d) < 1e-4) return (float)(d - d * d * d / 3.0);
    double e = exp_d(2.0 * d);
    return (float)((e - 1.0) / (e + 1.0));
}
