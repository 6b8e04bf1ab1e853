import Foundation

/// Reading and writing the PEM files of a fleet identity; keys are written 0600.
public enum PEMFiles {
    public static func read(_ path: String, what: String) throws(TLSError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSError("cannot read the \(what) at \(path)")
        }
        guard data.count <= 1 << 20, let text = String(data: data, encoding: .utf8) else {
            throw TLSError("the \(what) at \(path) is not a PEM file")
        }
        return text
    }

    /// Writes through a temporary file and a rename, so that a crash never leaves half a file.
    public static func write(_ text: String, to path: String, secret: Bool) throws(TLSError) {
        let temporary = path + ".tmp-\(UInt32.random(in: .min ... .max))"
        let created = FileManager.default.createFile(
            atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: secret ? 0o600 : 0o644])
        guard created else { throw TLSError("cannot write \(path)") }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw TLSError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
