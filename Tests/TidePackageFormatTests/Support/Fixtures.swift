import Foundation

enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw FixtureError(name: name)
        }
        return [UInt8](try Data(contentsOf: url))
    }

    struct FixtureError: Error, CustomStringConvertible {
        let name: String
        var description: String { "missing fixture \(name)" }
    }
}
