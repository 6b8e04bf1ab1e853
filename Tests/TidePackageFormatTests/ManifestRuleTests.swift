import Testing
@testable import TidePackageFormat

/// Each rule of package.yaml broken once, with the exact message a person sees.
@Suite("package.yaml rules")
struct ManifestRuleTests {
    /// A valid manifest with `replacement` spliced in for the line that starts with `key`.
    static let base = [
        "name: fibo",
        "version: 1.0.0",
        "description: Fibonacci numbers",
        "module: fibo.wasm",
        "functions:",
        "  fibo:",
        "    parameters:",
        "      - name: n",
        "        type: i64",
        "    result: i64",
    ]

    func issues(_ text: String) -> [String] { manifestIssues(text) }

    func issues(_ lines: [String]) -> [String] {
        issues(lines.joined(separator: "\n"))
    }

    func inserting(_ new: [String], after index: Int) -> [String] {
        var lines = Self.base
        lines.insert(contentsOf: new, at: index + 1)
        return lines
    }

    func replacing(_ index: Int, with line: String) -> [String] {
        var lines = Self.base
        lines[index] = line
        return lines
    }

    @Test func baseIsValid() {
        #expect(issues(Self.base) == [])
    }

    @Test func parameterTypeMustBeKnown() {
        #expect(issues(replacing(8, with: "        type: int64")) == [
            #"package.yaml line 9: functions.fibo.parameters[0].type: "int64" is not a type; use i32, i64, f32, f64 or bytes"#,
        ])
    }

    @Test func unknownTopLevelFieldListsAllowed() {
        #expect(issues(Self.base + ["verison: 2.0.0"]) == [
            #"package.yaml line 11: unknown field "verison" (did you mean "version"?); allowed fields: name, version, description, module, functions, files, dependencies"#,
        ])
        #expect(issues(Self.base + ["homepage: x"]) == [
            #"package.yaml line 11: unknown field "homepage"; allowed fields: name, version, description, module, functions, files, dependencies"#,
        ])
    }

    @Test func unknownFunctionFieldListsAllowed() {
        #expect(issues(Self.base + ["    params: []"]) == [
            #"package.yaml line 11: functions.fibo: unknown field "params"; allowed fields: method, description, parameters, result, result-labels"#,
        ])
        #expect(issues(Self.base + ["    results: i64"]) == [
            #"package.yaml line 11: functions.fibo: unknown field "results" (did you mean "result"?); allowed fields: method, description, parameters, result, result-labels"#,
        ])
    }

    @Test func unknownParameterField() {
        #expect(issues(inserting(["        default: 3"], after: 8)) == [
            #"package.yaml line 10: functions.fibo.parameters[0]: unknown field "default"; allowed fields: name, type"#,
        ])
    }

    @Test func requiredFieldsMissing() {
        #expect(issues(["description: nothing else"]) == [
            "package.yaml line 1: name: required field is missing",
            "package.yaml line 1: version: required field is missing",
            "package.yaml line 1: module: required field is missing",
            "package.yaml line 1: functions: required field is missing; declare at least one exported function Tide may call",
        ])
    }

    @Test func packageName() {
        let rule = #"use 1-64 lowercase letters, digits and "-", starting with a letter"#
        #expect(issues(replacing(0, with: "name: Fibo")) == [
            #"package.yaml line 1: name: "Fibo" is not a valid package name; "# + rule,
        ])
        #expect(issues(replacing(0, with: "name: 2fibo")) == [
            #"package.yaml line 1: name: "2fibo" is not a valid package name; "# + rule,
        ])
        #expect(issues(replacing(0, with: "name: fi_bo")) == [
            #"package.yaml line 1: name: "fi_bo" is not a valid package name; "# + rule,
        ])
        let long = String(repeating: "a", count: 65)
        #expect(issues(replacing(0, with: "name: \(long)")) == [
            #"package.yaml line 1: name: "\#(long)" is not a valid package name; "# + rule,
        ])
        #expect(issues(replacing(0, with: "name: \(String(repeating: "a", count: 64))")) == [])
        #expect(issues(replacing(0, with: "name: fibo-2")) == [])
    }

    @Test func nameNeedsAValue() {
        #expect(issues(replacing(0, with: "name:")) == ["package.yaml line 1: name: a value is required"])
        #expect(issues(replacing(0, with: "name: [a, b]")) == ["package.yaml line 1: name: expected text, found a list"])
    }

    @Test func versionMustBeSemVer() {
        #expect(issues(replacing(1, with: "version: 1.0")) == [
            #"package.yaml line 2: version: "1.0" is not a semantic version such as 1.0.0: expected major.minor.patch"#,
        ])
        #expect(issues(replacing(1, with: "version: 01.0.0")) == [
            #"package.yaml line 2: version: "01.0.0" is not a semantic version such as 1.0.0: "01" has a leading zero"#,
        ])
    }

    @Test func descriptionLimit() {
        let long = String(repeating: "x", count: 501)
        #expect(issues(replacing(2, with: "description: \(long)")) == [
            "package.yaml line 3: description: is 501 characters long; the limit is 500",
        ])
        #expect(issues(replacing(2, with: "description: \(String(repeating: "x", count: 500))")) == [])
    }

    @Test func modulePathMustStayInside() {
        #expect(issues(replacing(3, with: "module: /opt/fibo.wasm")) == [
            #"package.yaml line 4: module: "/opt/fibo.wasm" is not a relative path inside the package: it is absolute"#,
        ])
        #expect(issues(replacing(3, with: "module: ../fibo.wasm")) == [
            #"package.yaml line 4: module: "../fibo.wasm" is not a relative path inside the package: it contains "..""#,
        ])
        #expect(issues(replacing(3, with: "module: build\\fibo.wasm")) == [
            #"package.yaml line 4: module: "build\fibo.wasm" is not a relative path inside the package: it contains "\"; use "/" between folders"#,
        ])
        #expect(issues(replacing(3, with: "module: ./")) == [
            #"package.yaml line 4: module: "./" is not a relative path inside the package: it is empty"#,
        ])
    }

    @Test func functionsNeedAtLeastOne() {
        #expect(issues(Array(Self.base[0..<4]) + ["functions: {}"]) == [
            "package.yaml line 5: functions: declare at least one exported function Tide may call",
        ])
        #expect(issues(Array(Self.base[0..<4]) + ["functions: [fibo]"]) == [
            "package.yaml line 5: functions: expected a mapping of export names to functions, found a list",
        ])
    }

    @Test func methodIsGetOrPost() {
        #expect(issues(Self.base + ["    method: put"]) == [
            #"package.yaml line 11: functions.fibo.method: "put" is not a method; use get or post"#,
        ])
    }

    @Test func resultType() {
        #expect(issues(replacing(9, with: "    result: int")) == [
            #"package.yaml line 10: functions.fibo.result: "int" is not a result type; use i32, i64, f32, f64, bytes or none"#,
        ])
    }

    @Test func parameterNames() {
        #expect(issues(replacing(7, with: "      - name: 1n")) == [
            #"package.yaml line 8: functions.fibo.parameters[0].name: "1n" is not a valid parameter name; use letters, digits and "_", not starting with a digit"#,
        ])
        #expect(issues(inserting(["      - name: n", "        type: i32"], after: 8)) == [
            #"package.yaml line 10: functions.fibo.parameters[1].name: "n" is already the name of parameters[0]"#,
        ])
        #expect(issues(inserting(["      - type: i32"], after: 8)) == [
            "package.yaml line 10: functions.fibo.parameters[1].name: required field is missing",
        ])
    }

    @Test func parametersMustBeAList() {
        #expect(issues(Array(Self.base[0..<6]) + ["    parameters: n"]) == [
            #"package.yaml line 7: functions.fibo.parameters: expected a list of parameters such as "- name: n", found text "n""#,
        ])
    }

    @Test func dataFiles() {
        let head = Self.base + ["files:"]
        #expect(issues(head + ["  my model:", "    path: m.bin"]) == [
            #"package.yaml line 12: files: "my model" is not a valid file name; use letters, digits, ".", "_" and "-", starting with a letter or digit"#,
        ])
        #expect(issues(head + ["  model:", "    media-type: text/plain"]) == [
            "package.yaml line 12: files.model.path: required field is missing",
        ])
        #expect(issues(head + ["  model:", "    path: ../m.bin"]) == [
            #"package.yaml line 13: files.model.path: "../m.bin" is not a relative path inside the package: it contains "..""#,
        ])
        #expect(issues(head + ["  model:", "    path: m.bin", "    media-type: binary"]) == [
            #"package.yaml line 14: files.model.media-type: "binary" is not a media type such as application/octet-stream"#,
        ])
        #expect(issues(head + ["  model:", "    path: m.bin", "    size: 3"]) == [
            #"package.yaml line 14: files.model: unknown field "size"; allowed fields: path, media-type"#,
        ])
        #expect(issues(head + ["  model:", "    path: fibo.wasm"]) == [
            #"package.yaml line 13: files.model.path: "fibo.wasm" is already used by module"#,
        ])
        #expect(issues(head + ["  a:", "    path: m.bin", "  b:", "    path: ./m.bin"]) == [
            #"package.yaml line 15: files.b.path: "m.bin" is already used by files.a"#,
        ])
    }

    @Test func dependencies() {
        let head = Self.base + ["dependencies:"]
        #expect(issues(head + ["  mathlib: ^x"]) == [
            #"package.yaml line 12: dependencies.mathlib: "^x" is not a version range such as ^1.2: "^x": expected a version after "^""#,
        ])
        #expect(issues(head + ["  MathLib: ^1.0"]) == [
            #"package.yaml line 12: dependencies: "MathLib" is not a valid package name; use 1-64 lowercase letters, digits and "-", starting with a letter"#,
        ])
        #expect(issues(head + ["  fibo: ^1.0"]) == [
            "package.yaml line 12: dependencies.fibo: a package cannot depend on itself",
        ])
        #expect(issues(["dependencies:", "  fibo: ^1.0"] + Self.base) == [
            "package.yaml line 2: dependencies.fibo: a package cannot depend on itself",
        ])
        #expect(issues(head + ["  mathlib:"]) == [
            "package.yaml line 12: dependencies.mathlib: a value is required",
        ])
    }

    @Test func duplicateKeys() {
        #expect(issues(Self.base + ["name: other"]) == [
            #"package.yaml line 11: "name" appears twice (first on line 1)"#,
        ])
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        let found = issues(["name: fibo", "version: [1.0.0", "module: x"])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("package.yaml line 3, column") == true)
        #expect(found.first?.contains("not valid YAML: ") == true)
    }

    @Test func emptyDocumentAndWrongRoot() {
        #expect(issues("") == ["package.yaml: the file is empty; it needs at least name, version, module and functions"])
        #expect(issues("- a\n- b") == [#"package.yaml line 1: expected fields such as "name: fibo", found a list"#])
        #expect(throws: PackageManifestError.self) { try PackageManifest(yaml: [0xFF, 0xFE]) }
    }

    @Test func collectsSeveralIssuesInDocumentOrder() {
        var lines = replacing(1, with: "version: one")
        lines[8] = "        type: int"
        #expect(issues(lines) == [
            #"package.yaml line 2: version: "one" is not a semantic version such as 1.0.0: expected major.minor.patch"#,
            #"package.yaml line 9: functions.fibo.parameters[0].type: "int" is not a type; use i32, i64, f32, f64 or bytes"#,
        ])
    }

    @Test func deeplyNestedListsAreRefusedBeforeParsing() {
        let nested = String(repeating: "- ", count: 10_000) + "x"
        #expect(issues("name: fibo\nfiles:\n" + nested + "\n") == [
            "package.yaml line 3: lists and mappings nest deeper than 64 levels; the document is refused before it is read",
        ])
        let flow = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(issues("name: fibo\nfiles: " + flow + "\n") == [
            "package.yaml line 2: lists and mappings nest deeper than 64 levels; the document is refused before it is read",
        ])
    }
}
