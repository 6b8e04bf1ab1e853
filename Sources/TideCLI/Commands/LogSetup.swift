import ArgumentParser
import Logging

/// `--log-level` of the commands that run servers (`tide server`, `tide supervisor`, `tide dev`):
/// one check of the option and one way to send the log to standard error.
enum LogSetup {
    static let help: ArgumentHelp = "trace, debug, info, notice, warning, error or critical."

    static func validate(_ level: String) throws {
        guard Logger.Level(rawValue: level) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Sends every logger's lines at `level` and above to standard error, stamped to the
    /// millisecond in UTC; once per process.
    static func bootstrap(_ level: String, otherwise fallback: Logger.Level) {
        let level = Logger.Level(rawValue: level) ?? fallback
        LoggingSystem.bootstrap { label in StandardErrorLogHandler(label: label, level: level) }
    }
}
