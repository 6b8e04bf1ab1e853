import FuzzSupport

FuzzMain.run(fuzzVersionRangeTestOneInput)
