import TideModel

/// Why a deployment operation was refused or failed, worded for the operator who asked. The API
/// layer turns its kind into an HTTP status; nothing here knows HTTP.
typealias DeploymentError = AreaError<DeploymentArea>
enum DeploymentArea {}

extension AreaError where Area == DeploymentArea {
    static func notFound(_ name: String) -> Self { .missing("no deployment named \"\(name)\"") }

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

    static func noRollout(_ message: String) -> Self { .init(.conflict, code: "no_rollout", message) }
}
