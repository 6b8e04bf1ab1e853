import Logging

/// For servers under test: warnings and errors reach the test output.
let testLogger: Logger = {
    var logger = Logger(label: "tide.test")
    logger.logLevel = .warning
    return logger
}()

/// For servers whose failures the tests provoke on purpose (the fake device, the orchestrator).
let quietLogger: Logger = {
    var logger = Logger(label: "tide.test.quiet")
    logger.logLevel = .critical
    return logger
}()
