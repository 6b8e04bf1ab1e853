import FuzzSupport

FuzzMain.run(fuzzManifestTestOneInput)
