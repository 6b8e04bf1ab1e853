import Foundation
import Testing
import TideModel

@Suite struct VersionRangeTests {
    private func matches(_ range: String, _ versions: [String]) throws -> [String] {
        let parsed = try VersionRange(parsing: range)
        return try versions.filter { parsed.contains(try SemanticVersion(parsing: $0)) }
    }

    private let pool = [
        "0.0.1", "0.0.2", "0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.1.0", "1.2.0", "1.2.3", "1.2.9",
        "1.3.0", "1.9.9", "2.0.0-beta.1", "2.0.0", "2.5.0", "3.0.0",
    ]

    @Test(arguments: [
        ("=1.2.3", ["1.2.3"]),
        ("1.2.3", ["1.2.3", "1.2.9", "1.3.0", "1.9.9"]),
        ("^1.2.3", ["1.2.3", "1.2.9", "1.3.0", "1.9.9"]),
        ("^1.2", ["1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.9.9"]),
        ("^1", ["1.0.0", "1.1.0", "1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.9.9"]),
        ("^0.1.5", ["0.1.5"]),
        ("^0.1", ["0.1.0", "0.1.5"]),
        ("^0.0.1", ["0.0.1"]),
        ("^0.0", ["0.0.1", "0.0.2"]),
        ("^0", ["0.0.1", "0.0.2", "0.1.0", "0.1.5", "0.2.0"]),
        ("~1.2.3", ["1.2.3", "1.2.9"]),
        ("~1.2", ["1.2.0", "1.2.3", "1.2.9"]),
        ("~1", ["1.0.0", "1.1.0", "1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.9.9"]),
        ("=1.2", ["1.2.0", "1.2.3", "1.2.9"]),
        (">1.2.3", ["1.2.9", "1.3.0", "1.9.9", "2.0.0", "2.5.0", "3.0.0"]),
        (">1.2", ["1.3.0", "1.9.9", "2.0.0", "2.5.0", "3.0.0"]),
        (">=2", ["2.0.0", "2.5.0", "3.0.0"]),
        ("<0.1", ["0.0.1", "0.0.2"]),
        ("<=0.1", ["0.0.1", "0.0.2", "0.1.0", "0.1.5"]),
        ("<=1.2.3", ["0.0.1", "0.0.2", "0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.1.0", "1.2.0", "1.2.3"]),
        (">=1.2, <1.3", ["1.2.0", "1.2.3", "1.2.9"]),
        ("^0.1 || ^2.0", ["0.1.0", "0.1.5", "2.0.0", "2.5.0"]),
        ("*", ["0.0.1", "0.0.2", "0.1.0", "0.1.5", "0.2.0", "1.0.0", "1.1.0", "1.2.0", "1.2.3", "1.2.9", "1.3.0", "1.9.9", "2.0.0", "2.5.0", "3.0.0"]),
        (">=2.0.0-beta.1, <2.1", ["2.0.0-beta.1", "2.0.0"]),
        ("^2.0.0-alpha", ["2.0.0-beta.1", "2.0.0", "2.5.0"]),
        ("=2.0.0-beta.1", ["2.0.0-beta.1"]),
    ])
    func matching(range: String, expected: [String]) throws {
        #expect(try matches(range, pool) == expected)
    }

    @Test func prereleasesMatchOnlyWhenNamedWithTheSameCore() throws {
        let range = try VersionRange(parsing: ">=1.2.3-alpha.1, <2")
        #expect(range.contains(try SemanticVersion(parsing: "1.2.3-alpha.7")))
        #expect(!range.contains(try SemanticVersion(parsing: "1.2.4-alpha.7")))
        #expect(!range.contains(try SemanticVersion(parsing: "1.9.0-rc.1")))
        #expect(!(try VersionRange(parsing: "^1.0")).contains(try SemanticVersion(parsing: "2.0.0-beta.1")))
        #expect(!(try VersionRange(parsing: "*")).contains(try SemanticVersion(parsing: "1.0.0-rc.1")))
        // The naming comparator must be in the same comparator set.
        let split = try VersionRange(parsing: "=1.2.3-alpha.1 || >=1.0, <2")
        #expect(!split.contains(try SemanticVersion(parsing: "1.2.3-beta")))
    }

    @Test(arguments: [
        ("1.2.3", "^1.2.3"),
        (" >= 1.0 ,<2 ", ">=1.0, <2"),
        ("*", "*"),
        ("~1 || =2.0.0-rc.1||<0.5", "~1 || =2.0.0-rc.1 || <0.5"),
        ("^0.0", "^0.0"),
    ])
    func canonicalDescriptionRoundTrips(input: String, canonical: String) throws {
        let range = try VersionRange(parsing: input)
        #expect(range.description == canonical)
        #expect(try VersionRange(parsing: range.description) == range)
        let data = try JSONEncoder().encode(range)
        #expect(try JSONDecoder().decode(VersionRange.self, from: data) == range)
    }

    @Test func exactVersion() throws {
        #expect(try VersionRange(parsing: "=1.2.3").exactVersion == SemanticVersion(1, 2, 3))
        #expect(try VersionRange(parsing: "=1.2").exactVersion == nil)
        #expect(try VersionRange(parsing: "1.2.3").exactVersion == nil)
    }

    @Test(arguments: [
        (">=1.0, <<2", #"invalid version range ">=1.0, <<2": "<<2": expected a version after "<""#),
        ("", #"invalid version range "": the range is empty; use "*" to accept any version"#),
        ("^1.x", #"invalid version range "^1.x": "^1.x": "x" is not a number"#),
        (">=1.0 <2.0", #"invalid version range ">=1.0 <2.0": ">=1.0 <2.0" contains a space; separate comparators with ",""#),
        ("1.0 ||", #"invalid version range "1.0 ||": an alternative around "||" is empty"#),
        (">=1.0,", #"invalid version range ">=1.0,": a comparator around "," is empty in ">=1.0,""#),
        ("*, <2", #"invalid version range "*, <2": "*" cannot be combined with other comparators"#),
        ("^1.2-beta", #"invalid version range "^1.2-beta": "^1.2-beta": a prerelease needs a full major.minor.patch version"#),
        ("=1.2.3+build", #"invalid version range "=1.2.3+build": "=1.2.3+build": build metadata is not allowed in a range"#),
        ("1.2.3.4", #"invalid version range "1.2.3.4": "1.2.3.4": a version has at most three numbers"#),
        ("abc", #"invalid version range "abc": "abc" is not a comparator: expected an operator (=, ^, ~, >, >=, <, <=) and a version"#),
        ("^01.2", #"invalid version range "^01.2": "^01.2": "01" has a leading zero"#),
    ])
    func invalidRangeMessages(input: String, message: String) {
        do {
            _ = try VersionRange(parsing: input)
            Issue.record("\(input) parsed")
        } catch {
            #expect(error.description == message)
        }
    }
}
