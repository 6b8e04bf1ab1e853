import Testing
import Yams
@testable import TideYAML

@Suite("YAML walker diagnostics")
struct YAMLReaderTests {
    func root(_ text: String) throws -> Node {
        try #require(try BoundedYAML.compose(text))
    }

    @Test func mappingProblemsCarryTheKeysLineAndPath() throws {
        var reader = YAMLReader()
        let node = try root("name: a\nreplicas: 3\nname: b\nstpes: []\n")
        let fields = reader.fields(of: node, at: "", allowed: ["name", "steps"])
        #expect(fields?.map(\.key) == ["name"])
        #expect(fields?.first?.keyLine == 1)
        #expect(reader.issues.map(\.description) == [
            #"line 3: "name" appears twice (first on line 1)"#,
            #"line 2: unknown field "replicas"; allowed fields: name, steps"#,
            #"line 4: unknown field "stpes"; allowed fields: name, steps"#,
        ])
    }

    @Test func suggestionsNameTheLikelyField() throws {
        var reader = YAMLReader()
        let node = try root("stpes: []\nhomepage: x\n")
        let all = reader.entries(of: node, at: "top", expecting: "fields") ?? []
        let allowed = reader.allowedEntries(all, allowed: ["name", "steps"], at: "top", suggesting: true)
        #expect(all.count == 2)
        #expect(allowed.isEmpty)
        #expect(reader.issues.map(\.description) == [
            #"line 1: top: unknown field "stpes" (did you mean "steps"?); allowed fields: name, steps"#,
            #"line 2: top: unknown field "homepage"; allowed fields: name, steps"#,
        ])
    }

    @Test func typeMismatchesNameWhatWasFound() throws {
        var reader = YAMLReader()
        let node = try root("a: [x]\nb:\nc: {k: v}\nd: maybe\ne: [ok, [no]]\n")
        guard case .mapping(let mapping) = node else { Issue.record("expected a mapping"); return }
        func value(_ key: String) throws -> Node { try #require(mapping[key]) }
        let a = try value("a"), b = try value("b"), c = try value("c"), d = try value("d"), e = try value("e")
        let text = reader.text(a, at: "a"), missing = reader.text(b, at: "b"), texts = reader.texts(c, at: "c")
        let boolean = reader.boolean(d, at: "d"), some = reader.texts(e, at: "e"), labels = reader.stringMap(a, at: "a")
        let required = reader.required("name", in: [], at: "c", line: 3)
        #expect(text == nil && missing == nil && texts == nil && boolean == nil && labels == nil && required == nil)
        #expect(some == ["ok"])
        #expect(reader.issues.map(\.description) == [
            "line 1: a: expected text, found a list",
            "line 2: b: a value is required",
            "line 3: c: expected text or a list of texts, found a mapping",
            #"line 4: d: "maybe" is not true or false"#,
            "line 5: e[1]: expected text, found a list",
            "line 1: a: expected a mapping of names to text, such as {zone: lobby}, found a list",
            "line 3: c.name: required field is missing",
        ])
    }

    @Test func syntaxErrorsKeepTheirColumnOnlyWhenDetailed() {
        do {
            _ = try BoundedYAML.compose("name: a\nsteps: [\n")
            Issue.record("accepted invalid YAML")
        } catch {
            let brief = ManifestIssue(error, detailed: false)
            #expect(brief.description == "line 3: not valid YAML: did not find expected node content")
            let detailed = ManifestIssue(error, detailed: true)
            #expect(detailed.line == 3)
            #expect(detailed.column != nil)
            #expect(detailed.description.hasPrefix("line 3, column "))
            #expect(detailed.message.hasPrefix("not valid YAML: did not find expected node content ("))
        }
        let deep = ManifestIssue(.tooDeep(limit: 64, line: 7), detailed: true)
        #expect(deep == ManifestIssue(line: 7, path: "", message: BoundedYAMLError.tooDeep(limit: 64, line: 7).message))
    }

    @Test func anIssueWithoutALineIsItsPathAndMessage() {
        #expect(ManifestIssue(line: nil, path: "", message: "the file is empty").description == "the file is empty")
        #expect(ManifestIssue(line: nil, path: "steps", message: "x").description == "steps: x")
        #expect(ManifestIssue(line: 2, column: 5, path: "a.b", message: "x").description == "line 2, column 5: a.b: x")
    }
}
