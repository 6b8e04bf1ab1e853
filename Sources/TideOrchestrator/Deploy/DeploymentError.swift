import TideModel

/// Why a deployment operation was refused or failed, worded for the operator who asked. The API
/// layer turns `kind` into an HTTP status; nothing here knows HTTP.
struct DeploymentError: ReportableError, Equatable {
    let kind: FailureKind
    let code: String
    let message: String
    let details: JSONValue?

    init(_ kind: FailureKind, code: String, _ message: String, details: JSONValue? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    static func notFound(_ name: String) -> Self {
        .init(.notFound, code: "not_found", "no deployment named \"\(name)\"")
    }

    /// Malformed input: conflicting version ranges, unknown run inputs.
    static func badRequest(_ message: String) -> Self { .init(.badRequest, code: "bad_request", message) }

    /// The manifest breaks a rule; one problem per line in `problems`.
    static func invalidManifest(_ message: String, problems: [String]? = nil) -> Self {
        .init(.invalid, code: "invalid_manifest", message, details: problems.map { ["problems": .array($0.map(JSONValue.string))] })
    }

    static func tooManySteps(_ message: String) -> Self { .init(.invalid, code: "too_many_steps", message) }

    /// No set of package versions satisfies the manifest; `lines` explain why.
    static func unsatisfiable(_ lines: [String]) -> Self {
        .init(
            .invalid, code: "unsatisfiable", lines.joined(separator: "\n"),
            details: ["explanation": .array(lines.map(JSONValue.string))])
    }

    /// No device can take some step.
    static func unplaceable(_ reasons: String) -> Self {
        .init(.invalid, code: "unplaceable", reasons, details: ["reasons": .string(reasons)])
    }

    /// The placement queue refused or stopped the work: try again later.
    static func placementUnavailable(code: String, _ message: String) -> Self { .init(.unavailable, code: code, message) }

    static func exists(_ message: String) -> Self { .init(.conflict, code: "deployment_exists", message) }

    static func notDeployed(_ message: String) -> Self { .init(.conflict, code: "not_deployed", message) }

    /// The server's own state is inconsistent (a pinned package missing, a store failure).
    static func internalFailure(_ message: String) -> Self { .init(.internalFailure, code: "internal", message) }
}
