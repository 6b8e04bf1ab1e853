// temperature 1.0.0: reads the device's temperature sensor (host capability
// sensor.read_temperature, degrees Celsius). Freestanding C for wasm32; built by
// scripts/build-registry.

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
