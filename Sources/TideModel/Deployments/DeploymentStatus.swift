/// Where a deployment stands. Always the truth about the devices, never the wish.
public enum DeploymentStatus: String, Sendable, Codable, CaseIterable {
    /// Stored and placed; nothing pushed yet (wasmiot `POST /file/manifest` stops here).
    case pending
    /// Nodes are being pushed.
    case deploying
    /// Every step runs where the plan says.
    case active
    /// At least one step has no working device; `reason` says why.
    case degraded
    /// The deploy could not complete; whatever had been pushed was removed.
    case failed
}

/// Where one step of a deployment stands.
public enum StepState: String, Sendable, Codable, CaseIterable {
    /// Placed, not pushed.
    case pending
    /// Its node is being pushed to its device.
    case deploying
    /// Installed and answering on its device.
    case running
    /// Its device failed or refused the node and no other device could take it.
    case failed
}
