/// The labels of a function's integer results (`result-labels` in package.yaml): a UTF-8 text
/// file with one label per line, the label of result `n` on line `n + 1`. Checked when the
/// package is published and read again by the server that names a run's results.
public struct ResultLabels: Sendable, Hashable {
    /// At most this many bytes in the file.
    public static let maximumBytes = 64 * 1024
    /// At most this many labels.
    public static let maximumCount = 1024
    /// At most this many characters per label.
    public static let maximumLabelLength = 200

    public let labels: [String]

    /// Reads the file's bytes: one non-empty label per line (`\n` or `\r\n`), a final newline allowed.
    public init(parsing bytes: [UInt8]) throws(ResultLabelsError) {
        guard bytes.count <= Self.maximumBytes else {
            throw ResultLabelsError("is \(bytes.count) bytes long; the limit is \(Self.maximumBytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ResultLabelsError("is not UTF-8 text")
        }
        // "\r\n" is one Character in Swift, so both line ends are separators.
        var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw ResultLabelsError("holds no labels; write one label per line") }
        guard lines.count <= Self.maximumCount else {
            throw ResultLabelsError("holds \(lines.count) labels; the limit is \(Self.maximumCount)")
        }
        for (index, line) in lines.enumerated() {
            if line.isEmpty { throw ResultLabelsError("line \(index + 1) is empty; every result needs a label") }
            if line.count > Self.maximumLabelLength {
                throw ResultLabelsError("line \(index + 1) is \(line.count) characters long; the limit is \(Self.maximumLabelLength)")
            }
        }
        labels = lines.map(String.init)
    }

    /// The label of a whole-number result in range, nil for anything else.
    public func label(of result: Double) -> String? {
        guard result.rounded() == result, result >= 0, result < Double(labels.count) else { return nil }
        return labels[Int(result)]
    }
}
