/// A section id. Unknown ids are representable so that they can be reported.
public struct SectionID: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let custom = SectionID(rawValue: 0)
    public static let type = SectionID(rawValue: 1)
    public static let `import` = SectionID(rawValue: 2)
    public static let function = SectionID(rawValue: 3)
    public static let table = SectionID(rawValue: 4)
    public static let memory = SectionID(rawValue: 5)
    public static let global = SectionID(rawValue: 6)
    public static let export = SectionID(rawValue: 7)
    public static let start = SectionID(rawValue: 8)
    public static let element = SectionID(rawValue: 9)
    public static let code = SectionID(rawValue: 10)
    public static let data = SectionID(rawValue: 11)
    public static let dataCount = SectionID(rawValue: 12)
    /// Exception-handling proposal.
    public static let tag = SectionID(rawValue: 13)

    public var isKnown: Bool { rawValue <= 13 }

    public var name: String {
        switch rawValue {
        case 0: "custom"
        case 1: "type"
        case 2: "import"
        case 3: "function"
        case 4: "table"
        case 5: "memory"
        case 6: "global"
        case 7: "export"
        case 8: "start"
        case 9: "element"
        case 10: "code"
        case 11: "data"
        case 12: "data count"
        case 13: "tag"
        default: "unknown (id \(rawValue))"
        }
    }

    /// The position a non-custom section must respect in a module. It is not the id:
    /// the data count section (12) precedes code (10), and tag (13) sits between memory and global.
    var orderRank: Int? {
        switch rawValue {
        case 1: 1
        case 2: 2
        case 3: 3
        case 4: 4
        case 5: 5
        case 13: 6
        case 6: 7
        case 7: 8
        case 8: 9
        case 9: 10
        case 12: 11
        case 10: 12
        case 11: 13
        default: nil
        }
    }

    public var description: String { "\(name) section" }
}
