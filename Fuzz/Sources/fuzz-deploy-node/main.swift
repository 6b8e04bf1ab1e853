import FuzzSupport

FuzzMain.run(fuzzDeployNodeTestOneInput)
