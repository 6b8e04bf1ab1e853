/// How often devices are probed and when silence counts as evidence.
public struct ProbeSchedule: Sendable, Equatable {
    /// Between probes of a healthy device.
    public var interval: Duration
    /// Between probes of a suspect device, to confirm or clear the suspicion quickly.
    public var quickRecheck: Duration
    /// How long a device that sends heartbeats may stay silent before it is suspect.
    public var heartbeatTimeout: Duration

    public init(interval: Duration, quickRecheck: Duration, heartbeatTimeout: Duration) {
        self.interval = interval
        self.quickRecheck = quickRecheck
        self.heartbeatTimeout = heartbeatTimeout
    }
}

