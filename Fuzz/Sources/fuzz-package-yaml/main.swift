import FuzzSupport

FuzzMain.run(fuzzPackageYAMLTestOneInput)
