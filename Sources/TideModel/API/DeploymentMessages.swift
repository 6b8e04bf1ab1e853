import Foundation

/// One row of `GET /api/v1/deployments`.
public struct DeploymentSummary: Sendable, Codable, Equatable {
    public var name: String
    public var status: DeploymentStatus
    public var generation: Int64
    public var reason: String?
    /// Step name -> device id (absent while unplaced).
    public var placement: [String: DeviceID]
    public var updatedAt: Date

    public init(_ deployment: Deployment) {
        name = deployment.name
        status = deployment.status
        generation = deployment.generation
        reason = deployment.reason
        var placement: [String: DeviceID] = [:]
        for step in deployment.steps { if let device = step.device { placement[step.step] = device } }
        self.placement = placement
        updatedAt = deployment.updatedAt
    }
}

/// `DELETE /api/v1/deployments/{name}`: what was removed where.
public struct DeploymentRemoval: Sendable, Codable, Equatable {
    public var name: String
    /// Devices that confirmed the removal (or no longer had it).
    public var cleaned: [DeviceID]
    /// Devices that could not be reached; they are cleaned when they report the deployment again.
    public var unreachable: [DeviceID: String]

    public init(name: String, cleaned: [DeviceID], unreachable: [DeviceID: String]) {
        self.name = name
        self.cleaned = cleaned
        self.unreachable = unreachable
    }
}

/// `POST /api/v1/deployments/{name}/run`: arguments of the first steps, by parameter name.
public struct RunRequest: Sendable, Codable, Equatable {
    /// Parameter name (as the package declares it, or `param0`...) -> a number (integers exact to
    /// 64 bits), or `{"url": "http(s)://..."}` for a bytes parameter (fetched by the server).
    public var inputs: [String: JSONValue]

    public init(inputs: [String: JSONValue] = [:]) {
        self.inputs = inputs
    }

    private enum Keys: String, CodingKey { case inputs }

    /// `{}` is a run without inputs.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        inputs = try container.decodeIfPresent([String: JSONValue].self, forKey: .inputs) ?? [:]
    }
}

/// The outcome of running a deployment's pipeline once.
public struct RunResult: Sendable, Codable, Equatable {
    /// One step's call, as its device reported it.
    public struct StepRun: Sendable, Codable, Equatable {
        public var step: String
        public var device: DeviceID?
        /// The device's request-history entry for the call.
        public var requestURL: String
        public var success: Bool
        /// The step's own value: numbers exactly (integers to 64 bits, floats in their shortest
        /// round-trip form, a non-finite float as the string `NaN`, `Infinity` or `-Infinity`);
        /// a bytes result is its download URL.
        public var value: JSONValue?
        /// What the value means, when the step's function names its results (`result-labels` in
        /// package.yaml), e.g. `bright` for 2.
        public var label: String?
        public var error: String?
        public var durationMs: Double?

        public init(
            step: String, device: DeviceID?, requestURL: String, success: Bool, value: JSONValue?, error: String?,
            durationMs: Double?, label: String? = nil
        ) {
            self.step = step
            self.device = device
            self.requestURL = requestURL
            self.success = success
            self.value = value
            self.label = label
            self.error = error
            self.durationMs = durationMs
        }
    }

    /// An attempt of the run that a device failure cut short, and how the run went on.
    public struct Retry: Sendable, Codable, Equatable {
        /// The step the run went on from: the one whose device failed, or an earlier one whose
        /// output was lost with it.
        public var step: String
        /// The device that failed (nil when the step had none).
        public var device: DeviceID?
        /// What went wrong, as the run saw it.
        public var error: String
        /// Where the step ran next (nil when the run gave up).
        public var movedTo: DeviceID?
        /// How long the run waited for the step to move.
        public var waitedMs: Double

        public init(step: String, device: DeviceID?, error: String, movedTo: DeviceID?, waitedMs: Double) {
            self.step = step
            self.device = device
            self.error = error
            self.movedTo = movedTo
            self.waitedMs = waitedMs
        }
    }

    public var deployment: String
    public var generation: Int64
    public var success: Bool
    /// The last step's value (for a DAG, the value of each step without successors, by step name).
    public var result: JSONValue?
    /// The step whose value `result` is, when one step has no successors (nil when `result` names
    /// several steps, or the run failed).
    public var resultStep: String?
    public var error: String?
    /// In the order the steps finished.
    public var steps: [StepRun]
    public var durationMs: Double
    /// The attempts a device failure cut short, in order; absent when the run was not retried.
    public var retries: [Retry]?

    public init(
        deployment: String, generation: Int64, success: Bool, result: JSONValue?, error: String?, steps: [StepRun],
        durationMs: Double, resultStep: String? = nil
    ) {
        self.deployment = deployment
        self.generation = generation
        self.success = success
        self.result = result
        self.resultStep = resultStep
        self.error = error
        self.steps = steps
        self.durationMs = durationMs
    }
}
