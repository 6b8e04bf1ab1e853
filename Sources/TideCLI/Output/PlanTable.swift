import Foundation
import TideModel

/// The table of `tide plan` and `tide deploy apply --dry-run`: per step its package, device,
/// score, and the rejected devices counted by reason.
enum PlanTable {
    static func render(_ answer: PlanResponse, names: DeviceNames) -> String {
        var table = Table(header: ["STEP", "PACKAGE", "DEVICE", "SCORE", "REJECTED"])
        for placement in answer.plan.steps {
            let pin = answer.pins.first { $0.step == placement.step }
            table.rows.append([
                placement.step, pin.map { "\($0.package)@\($0.version)" } ?? "-", names.label(placement.device),
                String(format: "%.2f", placement.score), rejections(placement),
            ])
        }
        return table.render()
    }

    /// `2 are dead; 1 lacks camera.take_image`, or `-`.
    static func rejections(_ placement: StepPlacement) -> String {
        let reasons = Dictionary(grouping: placement.rejected, by: \.reason)
            .map { reason, devices in "\(devices.count) \(devices.count == 1 ? reason.singular : reason.plural)" }
            .sorted()
        guard !reasons.isEmpty else { return "-" }
        let more = (placement.rejectedCount ?? placement.rejected.count) - placement.rejected.count
        return reasons.joined(separator: "; ") + (more > 0 ? "; \(more) more devices rejected (first \(placement.rejected.count) listed)" : "")
    }
}
