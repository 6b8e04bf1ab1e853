// Fixture for TideWasmTests. Rebuild with the Swift toolchain's clang (wasm-ld included):
//   /opt/swift/usr/bin/clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry \
//     -Wl,--export=fibo -Wl,--export=scale -Wl,--export=checksum -o sample.wasm sample.c

__attribute__((import_module("env"), import_name("takeImageStaticSize")))
void take_image(unsigned char *buffer, unsigned int *size);

__attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")))
int fd_write(int fd, const void *iovs, int count, int *written);

long long fibo(long long n) {
    long long a = 0, b = 1;
    while (n-- > 0) {
        long long t = a + b;
        a = b;
        b = t;
    }
    return a;
}

float scale(float x, double factor) {
    return (float)(x * factor);
}

unsigned int checksum(void) {
    unsigned char buffer[64];
    unsigned int size = sizeof buffer;
    take_image(buffer, &size);
    unsigned int sum = 0;
    for (unsigned int i = 0; i < size && i < sizeof buffer; i++) sum = sum * 31 + buffer[i];
    int written = 0;
    if (sum == 0) fd_write(2, buffer, 0, &written);
    return sum;
}
