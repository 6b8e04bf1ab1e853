// temperature 1.1.0: reads the device's temperature sensor (host capability
// sensor.read_temperature, degrees Celsius); adds series, the readings as bytes. Freestanding C
// for wasm32; built by scripts/build-registry.

#define EXPORT(name) __attribute__((export_name(name)))
#define IMPORT(module, name) __attribute__((import_module(module), import_name(name)))

IMPORT("sensor", "read_temperature") float sensor_read_temperature(void);

// read() -> f32: one reading in degrees Celsius.
EXPORT("read") float read(void) {
    return sensor_read_temperature();
}

// read_average(samples) -> f32: the mean of `samples` consecutive readings, taken back to back.
// samples is clamped to 1...1000.
EXPORT("read_average") float read_average(int samples) {
    if (samples < 1) samples = 1;
    if (samples > 1000) samples = 1000;
    double sum = 0.0;
    for (int i = 0; i < samples; i++) sum += (double)sensor_read_temperature();
    return (float)(sum / (double)samples);
}

// ---- Series --------------------------------------------------------------------------------

// A reading in hundredths of a degree, rounded to nearest (halves away from zero): 21.53 -> 2153.
// Beyond the i32 range it saturates; NaN gives 0.
static int hundredths(float celsius) {
    double h = (double)celsius * 100.0;
    if (h != h) return 0;
    if (h >= 2147483647.0) return 2147483647;
    if (h <= -2147483648.0) return -2147483647 - 1;
    return (int)(h < 0.0 ? h - 0.5 : h + 0.5);
}

// The result buffer: room for the largest series. Static, so nothing to allocate or reset.
static unsigned char series_buffer[1000 * 4];

// series(samples) -> bytes: `samples` consecutive readings, taken back to back (samples clamped
// to 1...1000), as 32-bit little-endian signed integers in hundredths of a degree, returned as
// (pointer << 32) | length into this module's memory. The buffer stays valid until the next
// series.
EXPORT("series") unsigned long long series(int samples) {
    if (samples < 1) samples = 1;
    if (samples > 1000) samples = 1000;
    for (int i = 0; i < samples; i++) {
        int value = hundredths(sensor_read_temperature());
        __builtin_memcpy(series_buffer + 4 * i, &value, 4); // wasm32 is little-endian
    }
    unsigned long length = 4ul * (unsigned long)samples;
    return ((unsigned long long)(unsigned long)series_buffer << 32) | (unsigned long long)length;
}
