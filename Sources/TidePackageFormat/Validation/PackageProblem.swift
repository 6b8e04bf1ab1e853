/// One reason a package cannot be published, with a stable code for programs and a message for people.
public struct PackageProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        case manifestMissing = "manifest-missing"
        case manifestInvalid = "manifest-invalid"
        case filesMissing = "files-missing"
        case moduleInvalid = "module-invalid"
        case functionNotExported = "function-not-exported"
        case functionNotAFunction = "function-not-a-function"
        case functionTypeMismatch = "function-type-mismatch"
        case allocMissing = "alloc-missing"
        case memoryNotExported = "memory-not-exported"
        case resultLabelsInvalid = "result-labels-invalid"
        case dependencyUnknown = "dependency-unknown"
        case dependencyNoMatchingVersion = "dependency-no-matching-version"
        case dependencyImportMissing = "dependency-import-missing"
        case dependencyImportMismatch = "dependency-import-mismatch"
        case dependencyImportNotAFunction = "dependency-import-not-a-function"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// Every problem found in a package, most useful first.
public struct PackageValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [PackageProblem]

    public init(problems: [PackageProblem]) {
        self.problems = problems
    }

    public var messages: [String] { problems.map(\.message) }

    public var description: String { messages.joined(separator: "\n") }
}
