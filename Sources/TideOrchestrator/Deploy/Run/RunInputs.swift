import Foundation
import TideHTTP
import TideModel

/// What a run is given, by parameter name (or `param0`...): numbers, and bytes either uploaded
/// (multipart/form-data) or named by a URL the server fetches before any step runs.
struct RunInputs: Sendable, Equatable {
    enum Input: Sendable, Equatable {
        case number(JSONNumber)
        case bytes([UInt8])
        case url(String)
    }

    /// The limits every run's inputs are checked against before anything runs.
    struct Limits: Sendable, Equatable {
        /// The largest bytes input, uploaded or fetched (`tide server --max-run-input-bytes`).
        var maxInputBytes: Int
        var maxInputs = 64
        var maxURLLength = 2048

        static let `default` = Limits(maxInputBytes: 8 << 20)
    }

    var inputs: [String: Input]

    init(_ inputs: [String: Input] = [:]) {
        self.inputs = inputs
    }

    /// The inputs of a JSON run request: a number, or `{"url": "http(s)://..."}` for bytes.
    init(json: [String: JSONValue], limits: Limits) throws(DeploymentError) {
        try Self.checkCount(json.count, limits: limits)
        var inputs: [String: Input] = [:]
        for (name, value) in json {
            switch value {
            case .number(let number):
                inputs[name] = .number(number)
            case .object(let fields):
                guard fields.count == 1, let url = fields["url"]?.stringValue else {
                    throw .badRequest(#"input \#(name): an object input must be {"url": "http://..."} (bytes the server fetches)"#)
                }
                inputs[name] = .url(try Self.checkURL(url, input: name, limits: limits))
            default:
                throw .badRequest(#"input \#(name) must be a number or {"url": "http://..."}, not \#(value.typeName)"#)
            }
        }
        self.inputs = inputs
    }

    /// The inputs of a multipart/form-data run request: a part with a file name is bytes, any
    /// other part's text is a number.
    init(parts: [MultipartPart], limits: Limits) throws(DeploymentError) {
        try Self.checkCount(parts.count, limits: limits)
        var inputs: [String: Input] = [:]
        for part in parts {
            let name = part.name
            guard !name.isEmpty else { throw .badRequest("a multipart part has no name; name each part after its input") }
            guard inputs[name] == nil else { throw .badRequest("input \(name.prefix(64)) is given twice") }
            if part.filename != nil {
                guard part.body.count <= limits.maxInputBytes else {
                    throw DeploymentError(.tooLarge, code: "input_too_large", "input \(name.prefix(64)) is \(part.body.count) bytes, more than the limit of \(limits.maxInputBytes) (tide server --max-run-input-bytes)")
                }
                inputs[name] = .bytes(part.body)
            } else {
                let text = String(decoding: part.body.prefix(100), as: UTF8.self)
                guard let number = JSONNumber(text: text) else {
                    throw .badRequest("input \(name.prefix(64)): \"\(text.prefix(40))\" is not a number; send bytes as a file part (with a filename)")
                }
                inputs[name] = .number(number)
            }
        }
        self.inputs = inputs
    }

    private static func checkCount(_ count: Int, limits: Limits) throws(DeploymentError) {
        guard count <= limits.maxInputs else {
            throw .badRequest("a run takes at most \(limits.maxInputs) inputs, got \(count)")
        }
    }

    private static func checkURL(_ url: String, input: String, limits: Limits) throws(DeploymentError) -> String {
        guard url.utf8.count <= limits.maxURLLength else {
            throw .badRequest("input \(input): the URL is \(url.utf8.count) characters, more than the limit of \(limits.maxURLLength)")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false
        else {
            throw .badRequest("input \(input): \"\(url.prefix(80))\" is not an http:// or https:// URL with a host")
        }
        return url
    }
}
