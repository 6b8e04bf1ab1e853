import FuzzSupport

FuzzMain.run(fuzzSnapshotTestOneInput)
