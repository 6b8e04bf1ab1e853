import Testing

@testable import TideOrchestrator
@testable import TideTesting

/// Join tokens arrive from anyone at `POST /enroll`: only the exact shape is looked up.
@Suite("Join token parsing", .stopsWhatItStarts)
struct JoinTokenParsingTests {
    @Test("the exact shape parses; every other string, however close, does not")
    func shapes() {
        let id = "0123456789ab", secret = String(repeating: "cd", count: 32)
        #expect(Enrollment.parse("tj-\(id).\(secret)")! == (id, secret))
        for bad in [
            "", "tj-", "tj-\(id)", "tj-\(id).", "tj-\(id).\(secret)x", "tj-\(id)x.\(secret)", "TJ-\(id).\(secret)",
            "tj-\(id):\(secret)", "tj-\(id).\(secret.dropLast())g", "tj-\(id)..\(secret.dropFirst())", "tj-ééééééééééé.\(secret)",
            String(repeating: "a", count: 1 << 16),
        ] {
            #expect(Enrollment.parse(bad) == nil, "\(bad.prefix(40))")
        }
    }

    @Test("random strings never parse and never trap")
    func random() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("tj-.0123456789abcdefé\u{0}")
        for _ in 0..<5000 {
            let length = Int.random(in: 0...90, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            if let parsed = Enrollment.parse(text) {
                #expect(text == "tj-\(parsed.id).\(parsed.secret)")
            }
        }
    }
}
