import FuzzSupport

FuzzMain.run(fuzzHeartbeatTestOneInput)
