@testable import TideTesting
import Testing
import TideModel
import TideWasm
@testable import TidePackageFormat

/// `result-labels`: a function's integer results named by one of the package's files.
@Suite("result labels")
struct ResultLabelsTests {
    static func yaml(result: String = "i32", labels: String = "labels", file: String = "labels") -> String {
        """
        name: classifier
        version: 1.0.0
        module: classifier.wasm
        functions:
          classify:
            result: \(result)
            result-labels: \(labels)
        files:
          \(file):
            path: data/labels.txt
            media-type: text/plain
        """
    }

    static func files(yaml: String = yaml(), labels: [UInt8] = Array("dark\nmedium\nbright\n".utf8), result: ValueType = .i32)
        -> [String: [UInt8]]
    {
        let module = WasmModuleBuilder().function("classify", sig([], [result])).bytes
        return ["package.yaml": Array(yaml.utf8), "classifier.wasm": module, "data/labels.txt": labels]
    }

    func problems(_ files: [String: [UInt8]]) -> [String] {
        do {
            _ = try PackageValidator().validate(files: files, dependencies: DependencyCatalog.empty)
            return []
        } catch {
            return error.messages
        }
    }

    func issues(_ text: String) -> [String] { manifestIssues(text) }

    @Test func aValidLabelsFileIsKeptWithTheFunction() throws {
        let package = try PackageValidator().validate(files: Self.files(), dependencies: DependencyCatalog.empty)
        #expect(package.manifest.function(named: "classify")?.resultLabels == "labels")
        let json = try TideJSON.encoder().encode(package)
        #expect(try TideJSON.decoder().decode(ValidatedPackage.self, from: json) == package)
        let labels = try ResultLabels(parsing: Array("dark\r\nmedium\r\nbright".utf8))
        #expect(labels.labels == ["dark", "medium", "bright"])
        #expect(labels.label(of: 2) == "bright")
        #expect(labels.label(of: 3) == nil && labels.label(of: -1) == nil && labels.label(of: 0.5) == nil)
    }

    @Test func theLabelsMustBeOneOfThePackagesFiles() {
        #expect(issues(Self.yaml(labels: "names")) == [
            #"package.yaml line 7: functions.classify.result-labels: "names" is not one of the package's files; declared files: labels"#,
        ])
        #expect(issues(Self.yaml(labels: "../labels")) == [
            #"package.yaml line 7: functions.classify.result-labels: "../labels" is not a file name; name one of the package's files, e.g. labels"#,
        ])
    }

    @Test func aLabelsFileMissingFromTheUploadIsAMissingFile() {
        var files = Self.files()
        files["data/labels.txt"] = nil
        #expect(problems(files) == ["missing files named in package.yaml: data/labels.txt"])
    }

    @Test func onlyAnIntegerResultHasLabels() {
        #expect(issues(Self.yaml(result: "f32")) == [
            "package.yaml line 7: functions.classify.result-labels: labels an integer result (i32 or i64), but classify returns f32",
        ])
        #expect(issues(Self.yaml(result: "none")) == [
            "package.yaml line 7: functions.classify.result-labels: labels an integer result (i32 or i64), but classify returns nothing",
        ])
        #expect(issues(Self.yaml(result: "i64")) == [])
    }

    @Test func theLabelsFileIsBounded() {
        let many = (0...ResultLabels.maximumCount).map { "class-\($0)" }.joined(separator: "\n")
        #expect(problems(Self.files(labels: Array(many.utf8))) == [
            "data/labels.txt, the result labels of classify, holds 1025 labels; the limit is 1024",
        ])
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: ResultLabels.maximumBytes + 1)
        #expect(problems(Self.files(labels: huge)) == [
            "data/labels.txt, the result labels of classify, is 65537 bytes long; the limit is 65536",
        ])
    }

    @Test func theLabelsFileIsUTF8TextWithALabelPerLine() {
        #expect(problems(Self.files(labels: [0x64, 0xFF, 0x0A])) == [
            "data/labels.txt, the result labels of classify, is not UTF-8 text",
        ])
        #expect(problems(Self.files(labels: Array("dark\n\nbright\n".utf8))) == [
            "data/labels.txt, the result labels of classify, line 2 is empty; every result needs a label",
        ])
        #expect(problems(Self.files(labels: [])) == [
            "data/labels.txt, the result labels of classify, holds no labels; write one label per line",
        ])
    }

    @Test func anUnknownFunctionFieldStillListsTheAllowedOnes() {
        #expect(issues(Self.yaml().replacingOccurrences(of: "result-labels:", with: "result-label:")) == [
            #"package.yaml line 7: functions.classify: unknown field "result-label" (did you mean "result-labels"?); allowed fields: method, description, parameters, result, result-labels"#,
        ])
    }
}
