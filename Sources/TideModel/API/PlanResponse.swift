/// The answer of `POST /api/v1/plan`: where each step would run, and which package versions.
public struct PlanResponse: Sendable, Codable, Equatable {
    public struct Pin: Sendable, Codable, Equatable {
        public var step: String
        public var package: String
        public var version: String
        public var moduleDigest: String
        /// Host capabilities the step's module and its dependencies import.
        public var needs: [String]

        public init(step: String, package: String, version: String, moduleDigest: String, needs: [String]) {
            self.step = step
            self.package = package
            self.version = version
            self.moduleDigest = moduleDigest
            self.needs = needs
        }
    }

    public var plan: PlacementPlan
    public var pins: [Pin]

    public init(plan: PlacementPlan, pins: [Pin]) {
        self.plan = plan
        self.pins = pins
    }
}
