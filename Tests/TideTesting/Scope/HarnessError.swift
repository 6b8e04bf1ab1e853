/// A test's setup failed: a server or process did not start, an answer had the wrong shape.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
