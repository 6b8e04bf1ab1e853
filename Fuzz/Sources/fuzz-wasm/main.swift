import FuzzSupport

FuzzMain.run(fuzzWasmTestOneInput)
