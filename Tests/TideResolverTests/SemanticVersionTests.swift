import Foundation
import Testing
import TideModel

@Suite struct SemanticVersionTests {
    private func version(_ text: String) throws -> SemanticVersion { try SemanticVersion(parsing: text) }

    @Test func specPrecedenceChain() throws {
        let chain = try [
            "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
            "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0",
        ].map { try version($0) }
        for (lower, higher) in zip(chain, chain.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
            #expect(!(higher < lower))
        }
        #expect(chain.shuffled().sorted() == chain)
    }

    @Test func buildMetadataIsIgnoredForOrderingAndEquality() throws {
        let a = try version("1.0.0+build.1")
        let b = try version("1.0.0+exp.sha.5114f85")
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(!(a < b) && !(b < a))
        #expect(a.description == "1.0.0+build.1")
        #expect(try version("1.0.0-rc.1+build") < version("1.0.0"))
    }

    @Test func roundTripsAndCodable() throws {
        for text in ["0.0.0", "1.2.3", "1.0.0-alpha.1", "1.0.0-x-y.7.z.92+meta-data.1", "18446744073709551615.0.0"] {
            #expect(try version(text).description == text)
            #expect(SemanticVersion(text)?.description == text)
        }
        let data = try JSONEncoder().encode([version("1.2.3-beta.2")])
        #expect(String(decoding: data, as: UTF8.self) == #"["1.2.3-beta.2"]"#)
        #expect(try JSONDecoder().decode([SemanticVersion].self, from: data) == [version("1.2.3-beta.2")])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([SemanticVersion].self, from: Data(#"["1.2"]"#.utf8)) }
    }

    @Test(arguments: [
        ("1.2.x", #"invalid version "1.2.x": "x" is not a number"#),
        ("1.2", #"invalid version "1.2": expected major.minor.patch"#),
        ("1.2.3.4", #"invalid version "1.2.3.4": expected major.minor.patch"#),
        ("", #"invalid version "": expected major.minor.patch"#),
        ("01.2.3", #"invalid version "01.2.3": "01" has a leading zero"#),
        ("1..3", #"invalid version "1..3": a number is missing"#),
        ("1.0.0-", #"invalid version "1.0.0-": prerelease "" has an empty identifier"#),
        ("1.0.0-alpha..1", #"invalid version "1.0.0-alpha..1": prerelease "alpha..1" has an empty identifier"#),
        ("1.0.0-01", #"invalid version "1.0.0-01": prerelease identifier "01" has a leading zero"#),
        ("1.0.0-al$pha", #"invalid version "1.0.0-al$pha": prerelease identifier "al$pha" may only contain [0-9A-Za-z-]"#),
        ("1.0.0+", #"invalid version "1.0.0+": build metadata "" has an empty identifier"#),
        ("99999999999999999999.0.0", #"invalid version "99999999999999999999.0.0": "99999999999999999999" is too large"#),
    ])
    func invalidVersionMessages(input: String, message: String) {
        #expect(throws: SemanticVersionError.self) { try SemanticVersion(parsing: input) }
        do {
            _ = try SemanticVersion(parsing: input)
        } catch {
            #expect(error.description == message)
        }
        #expect(SemanticVersion(input) == nil)
    }
}
