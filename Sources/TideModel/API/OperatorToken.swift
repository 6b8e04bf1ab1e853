import Foundation

/// The operator token: created once in the data directory (mode 0600), read by the server and by
/// clients on the same machine. The fleet's supervisor token is kept the same way.
public enum OperatorToken {
    public static let fileName = "operator.token"
    public static let supervisorFileName = "supervisor.token"

    /// Reads the token at `path`, creating it first when it does not exist. Returns the token and
    /// whether it was created now.
    public static func loadOrCreate(at path: String, what: String = "operator token") throws(OperatorTokenError) -> (token: String, created: Bool) {
        if let existing = try read(at: path, what: what) { return (existing, false) }
        let token = generate()
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw .init("cannot create the \(what) at \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array((token + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            unlink(path)
            throw .init("cannot write the \(what) at \(path): \(String(cString: strerror(errno)))")
        }
        return (token, true)
    }

    /// A new secret: `tide_` and 32 random bytes in hex.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return "tide_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// The token at `path`, nil when there is no such file.
    public static func read(at path: String, what: String = "operator token") throws(OperatorTokenError) -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .init("cannot read the \(what) at \(path)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else { throw .init("the \(what) file \(path) is empty; delete it to create a new one") }
        return token
    }
}

public struct OperatorTokenError: Error, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
