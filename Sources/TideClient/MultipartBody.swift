import Foundation

/// A multipart/form-data body (RFC 7578): text fields and files, in the order added.
struct MultipartBody {
    let boundary = "tide-" + UUID().uuidString.lowercased()
    private(set) var bytes: [UInt8] = []

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    mutating func field(_ name: String, _ text: String) {
        part(disposition: "form-data; name=\"\(Self.quoted(name))\"", contentType: nil, Array(text.utf8))
    }

    mutating func file(_ name: String, fileName: String, _ body: [UInt8]) {
        part(
            disposition: "form-data; name=\"\(Self.quoted(name))\"; filename=\"\(Self.quoted(fileName))\"",
            contentType: "application/octet-stream", body)
    }

    /// The body with its closing delimiter.
    func finished() -> [UInt8] {
        bytes + Array("--\(boundary)--\r\n".utf8)
    }

    private mutating func part(disposition: String, contentType: String?, _ body: [UInt8]) {
        var header = "--\(boundary)\r\nContent-Disposition: \(disposition)\r\n"
        if let contentType { header += "Content-Type: \(contentType)\r\n" }
        bytes += Array((header + "\r\n").utf8)
        bytes += body
        bytes += Array("\r\n".utf8)
    }

    /// A name as a quoted-string: quotes, backslashes and line breaks cannot appear in one.
    private static func quoted(_ text: String) -> String {
        String(text.map { "\"\\\r\n".contains($0) ? "_" : $0 })
    }
}
