import Testing
import TideHTTP
import TideModel
import TidePackageFormat
@testable import TideOrchestrator

/// A run's inputs, as JSON or multipart, mapped onto the first steps' parameters.
@Suite("run inputs and arguments")
struct RunArgumentsTests {
    static let limits = RunInputs.Limits(maxInputBytes: 100)
    static let classify = (
        step: ManifestStep(name: "classify", package: "classifier", function: "classify"),
        function: PackageFunction(name: "classify", method: .post, parameters: [.init(name: "data", type: .bytes)], result: .i32))
    static let fibo = (
        step: ManifestStep(name: "fibo", package: "fibo", function: "fibo"),
        function: PackageFunction(name: "fibo", parameters: [.init(name: "n", type: .i64)], result: .i64))

    static func message(_ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch let error as DeploymentError {
            return error.message
        } catch {
            return "not a DeploymentError: \(error)"
        }
    }

    @Test("numbers go as exact query text, bytes as the body, a URL to fetch")
    func mapping() throws {
        let numbers = try RunArguments(roots: [Self.fibo], inputs: RunInputs(json: ["n": 9_007_199_254_740_993], limits: Self.limits))
        #expect(numbers.calls["fibo"]?.query.map { "\($0.0)=\($0.1)" } == ["param0=9007199254740993"])
        #expect(numbers.calls["fibo"]?.body == nil)
        let bytes = try RunArguments(roots: [Self.classify], inputs: RunInputs(["data": .bytes([1, 2, 3])]))
        #expect(bytes.calls["classify"]?.body == .bytes([1, 2, 3]))
        let url = try RunArguments(
            roots: [Self.classify], inputs: RunInputs(json: ["param0": ["url": "http://127.0.0.1:9/a.pgm"]], limits: Self.limits))
        #expect(url.calls["classify"]?.body == .url("http://127.0.0.1:9/a.pgm"))
    }

    @Test("wrong types, unknown names and bad URLs are refused with what to send instead")
    func refusals() {
        #expect(Self.message { _ = try RunArguments(roots: [Self.classify], inputs: RunInputs(["data": .number(5)])) }
            == #"input data is bytes for step classify (data): upload a file (tide run data=@FILE, or multipart/form-data) or give {"url": "http://..."}, not a number"#)
        #expect(Self.message { _ = try RunArguments(roots: [Self.fibo], inputs: RunInputs(["n": .bytes([1])])) }
            == "input n must be a number for step fibo (n: i64), not bytes")
        #expect(Self.message { _ = try RunArguments(roots: [Self.classify], inputs: RunInputs(["image": .bytes([1])])) }
            == "unknown input(s) image; the first step(s) take: data")
        #expect(Self.message { _ = try RunArguments(roots: [Self.classify], inputs: RunInputs()) }
            == "step classify (classifier.classify) needs the input data (bytes)")
        #expect(Self.message { _ = try RunInputs(json: ["data": ["url": "ftp://h/x"]], limits: Self.limits) }
            == #"input data: "ftp://h/x" is not an http:// or https:// URL with a host"#)
        #expect(Self.message { _ = try RunInputs(json: ["data": ["url": .string("http://h/" + String(repeating: "a", count: 2048))]], limits: Self.limits) }
            == "input data: the URL is 2057 characters, more than the limit of 2048")
        #expect(Self.message { _ = try RunInputs(json: ["data": ["href": "http://h/x"]], limits: Self.limits) }
            == #"input data: an object input must be {"url": "http://..."} (bytes the server fetches)"#)
        #expect(Self.message { _ = try RunInputs(json: ["n": "10"], limits: Self.limits) }
            == #"input n must be a number or {"url": "http://..."}, not a string"#)
        let many = Dictionary(uniqueKeysWithValues: (0..<65).map { ("p\($0)", JSONValue.number(1)) })
        #expect(Self.message { _ = try RunInputs(json: many, limits: Self.limits) } == "a run takes at most 64 inputs, got 65")
    }

    @Test("multipart: a file part is bytes, a text part a number, within the limits")
    func multipart() throws {
        let inputs = try RunInputs(
            parts: [
                MultipartPart(name: "data", filename: "a.pgm", contentType: "image/x-portable-graymap", body: [7, 8]),
                MultipartPart(name: "n", filename: nil, contentType: nil, body: Array("18446744073709551615".utf8)),
            ], limits: Self.limits)
        #expect(inputs.inputs == ["data": .bytes([7, 8]), "n": .number(JSONNumber(UInt64.max))])
        #expect(Self.message {
            _ = try RunInputs(parts: [MultipartPart(name: "data", filename: "big", contentType: nil, body: Array(repeating: 0, count: 101))], limits: Self.limits)
        } == "input data is 101 bytes, more than the limit of 100 (tide server --max-run-input-bytes)")
        #expect(Self.message {
            _ = try RunInputs(parts: [MultipartPart(name: "n", filename: nil, contentType: nil, body: Array("ten".utf8))], limits: Self.limits)
        } == #"input n: "ten" is not a number; send bytes as a file part (with a filename)"#)
        #expect(Self.message {
            _ = try RunInputs(parts: [MultipartPart(name: "", filename: "x", contentType: nil, body: [])], limits: Self.limits)
        } == "a multipart part has no name; name each part after its input")
        let twice = MultipartPart(name: "data", filename: "x", contentType: nil, body: [])
        #expect(Self.message { _ = try RunInputs(parts: [twice, twice], limits: Self.limits) } == "input data is given twice")
    }
}
