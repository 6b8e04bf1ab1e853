import FuzzSupport

FuzzMain.run(fuzzDescriptionTestOneInput)
