/// What one scorer rewarded: a score in 0...1, its weight, and a short reason.
public struct ScoreComponent: Sendable, Codable, Equatable, CustomStringConvertible {
    public var scorer: String
    public var score: Double
    public var weight: Double
    public var explanation: String

    public init(scorer: String, score: Double, weight: Double, explanation: String) {
        self.scorer = scorer
        self.score = score
        self.weight = weight
        self.explanation = explanation
    }

    public var weighted: Double { score * weight }

    public var description: String {
        "\(scorer) \(Self.decimal(score)) x \(Self.decimal(weight)): \(explanation)"
    }

    static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
