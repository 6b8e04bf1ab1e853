import Foundation
import WAT

/// The bundled registry's binaries and WAT fixtures written for these tests.
enum Fixtures {
    static let registry = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("registry")

    static func registryModule(_ directory: String, _ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: registry.appendingPathComponent(directory).appendingPathComponent(file)))
    }

    static var fibo: [UInt8] { get throws { try registryModule("fibo", "fibo.wasm") } }
    static var fibo110: [UInt8] { get throws { try registryModule("fibo@1.1.0", "fibo.wasm") } }
    static var stats: [UInt8] { get throws { try registryModule("stats", "stats.wasm") } }
    static var mathlib: [UInt8] { get throws { try registryModule("mathlib", "mathlib.wasm") } }
    static var classifier: [UInt8] { get throws { try registryModule("classifier", "classifier.wasm") } }
    static var temperature: [UInt8] { get throws { try registryModule("temperature", "temperature.wasm") } }
    static var camera: [UInt8] { get throws { try registryModule("camera-capture", "camera-capture.wasm") } }
    static var sink: [UInt8] { get throws { try registryModule("sink", "sink.wasm") } }
    static var counter: [UInt8] { get throws { try registryModule("counter", "counter.wasm") } }

    static func wat(_ text: String) throws -> [UInt8] { try wat2wasm(text) }

    /// `append(n: i32) -> i64`: appends n bytes (`x`, at most 60,000) to `journal.txt` in the
    /// module's own directory through WASI and answers the file's size; a negative WASI error
    /// number if it cannot. A stateful step whose state is a file, not its memory.
    static var journal: [UInt8] {
        get throws {
            try wat(
                """
                (module
                  (import "wasi_snapshot_preview1" "path_open"
                    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
                  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
                  (memory (export "memory") 1)
                  (data (i32.const 0) "journal.txt")
                  (func (export "append") (param $n i32) (result i64)
                    (local $error i32)
                    (if (i32.gt_u (local.get $n) (i32.const 60000)) (then (local.set $n (i32.const 60000))))
                    (memory.fill (i32.const 1024) (i32.const 120) (local.get $n))
                    ;; path_open(dir 3 = "/", no symlink follow, "journal.txt", O_CREAT, all rights, APPEND, fd at 32)
                    (local.set $error (call $path_open (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 11) (i32.const 1)
                      (i64.const 0x1FFFFFFF) (i64.const 0) (i32.const 1) (i32.const 32)))
                    (if (local.get $error) (then (return (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $error))))))
                    (i32.store (i32.const 16) (i32.const 1024))
                    (i32.store (i32.const 20) (local.get $n))
                    (local.set $error (call $fd_write (i32.load (i32.const 32)) (i32.const 16) (i32.const 1) (i32.const 36)))
                    (drop (call $fd_close (i32.load (i32.const 32))))
                    (if (local.get $error) (then (return (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $error))))))
                    (local.set $error (call $stat (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 11) (i32.const 64)))
                    (if (local.get $error) (then (return (i64.sub (i64.const 0) (i64.extend_i32_u (local.get $error))))))
                    ;; the size field of the filestat
                    (i64.load (i32.const 96))))
                """)
        }
    }

    /// `spin` never returns; `ok` answers 7.
    static var spinner: [UInt8] {
        get throws {
            try wat(
                """
                (module
                  (func (export "spin") (result i32) (loop $l (br $l)) (i32.const 0))
                  (func (export "ok") (result i32) (i32.const 7)))
                """)
        }
    }

    /// `combine()` reads the deployment file `config.txt` and the execution file `input.txt`
    /// through WASI, writes both to the output file `output.txt` and returns the byte count.
    static var fileCombiner: [UInt8] {
        get throws {
            try wat(
                """
                (module
                  (import "wasi_snapshot_preview1" "path_open"
                    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
                  (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
                  (memory (export "memory") 1)
                  (data (i32.const 16) "config.txt")
                  (data (i32.const 32) "input.txt")
                  (data (i32.const 48) "output.txt")
                  (func $append (param $ptr i32) (param $len i32) (param $at i32) (result i32)
                    (local $fd i32)
                    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $ptr) (local.get $len) (i32.const 0)
                          (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 64))
                      (then (return (i32.const -1))))
                    (local.set $fd (i32.load (i32.const 64)))
                    (i32.store (i32.const 80) (i32.add (i32.const 1024) (local.get $at)))
                    (i32.store (i32.const 84) (i32.const 2048))
                    (drop (call $fd_read (local.get $fd) (i32.const 80) (i32.const 1) (i32.const 96)))
                    (drop (call $fd_close (local.get $fd)))
                    (i32.load (i32.const 96)))
                  (func (export "combine") (result i32)
                    (local $a i32) (local $b i32) (local $fd i32)
                    (local.set $a (call $append (i32.const 16) (i32.const 10) (i32.const 0)))
                    (if (i32.lt_s (local.get $a) (i32.const 0)) (then (return (i32.const -1))))
                    (local.set $b (call $append (i32.const 32) (i32.const 9) (local.get $a)))
                    (if (i32.lt_s (local.get $b) (i32.const 0)) (then (return (i32.const -2))))
                    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 48) (i32.const 10) (i32.const 9)
                          (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0) (i32.const 64))
                      (then (return (i32.const -3))))
                    (local.set $fd (i32.load (i32.const 64)))
                    (i32.store (i32.const 80) (i32.const 1024))
                    (i32.store (i32.const 84) (i32.add (local.get $a) (local.get $b)))
                    (drop (call $fd_write (local.get $fd) (i32.const 80) (i32.const 1) (i32.const 96)))
                    (drop (call $fd_close (local.get $fd)))
                    (i32.add (local.get $a) (local.get $b))))
                """)
        }
    }

    /// 60 little-endian i32 readings 1...60: mean 30.5, median 30.5.
    static var sixtyReadings: [UInt8] {
        (1...60).flatMap { value -> [UInt8] in withUnsafeBytes(of: Int32(value).littleEndian, Array.init) }
    }
}
