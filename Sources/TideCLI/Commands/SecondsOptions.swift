import ArgumentParser

/// Options given in seconds become `Duration`s through whole milliseconds, where a value that is
/// not a finite number of seconds up to a year would trap: each is checked in `validate()`
/// (their lower bounds, which differ, are checked there too).
enum SecondsOptions {
    static let maximum = 31_536_000.0

    static func validate(_ options: [(name: String, value: Double)]) throws {
        for (name, value) in options where !value.isFinite || value > maximum {
            throw ValidationError("\(name) must be a number of seconds up to \(Int(maximum)) (a year), not \(value)")
        }
    }
}
