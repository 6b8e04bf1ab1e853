import FuzzSupport

FuzzMain.run(fuzzTarTestOneInput)
