#!/usr/bin/env python3
"""Reference timing for `tide-bench supervisor`: run one exported function of a .wasm file under
wasmtime (PyPI package `wasmtime`) and print JSON with the median wall time, so the ratio to
WasmKit can be measured on the same machine in the same run.

    python3 -m venv /tmp/wasmtime-venv && /tmp/wasmtime-venv/bin/pip install wasmtime
    /tmp/wasmtime-venv/bin/python scripts/bench/wasmtime_reference.py FIB.wasm fib 30 --repetitions 5

Arguments are i32 or i64 as the export declares them. The module must have no imports.
"""

import argparse
import json
import statistics
import sys
import time

import wasmtime


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help=".wasm file")
    parser.add_argument("function", help="exported function")
    parser.add_argument("arguments", nargs="*", type=int, help="integer arguments")
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()

    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    start = time.perf_counter()
    module = wasmtime.Module.from_file(engine, args.module)
    instance = wasmtime.Instance(store, module, [])
    instantiate_ms = (time.perf_counter() - start) * 1000
    function = instance.exports(store)[args.function]

    samples = []
    result = None
    for _ in range(max(1, args.repetitions)):
        start = time.perf_counter()
        result = function(store, *args.arguments)
        samples.append((time.perf_counter() - start) * 1000)
    json.dump({
        "runtime": "wasmtime (Python bindings)",
        "version": getattr(wasmtime, "__version__", "unknown"),
        "function": args.function,
        "arguments": args.arguments,
        "result": result,
        "compileAndInstantiateMilliseconds": instantiate_ms,
        "medianMilliseconds": statistics.median(samples),
        "repetitions": len(samples),
    }, sys.stdout, indent=2)


if __name__ == "__main__":
    main()
