/// Sizes as operators write them (`64MiB`, `1GB`, `1048576`) and as messages print them (`64 MiB`).
public enum ByteCount {
    private static let units: [(suffix: String, factor: UInt64)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("TiB", 1 << 40),
        ("KB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("TB", 1_000_000_000_000),
        ("B", 1),
    ]

    /// A whole number of bytes, optionally followed (with or without a space) by B, KiB, MiB, GiB,
    /// TiB, or KB, MB, GB, TB (powers of 10). nil for anything else, or a size beyond UInt64.
    public static func parse(_ text: String) -> UInt64? {
        var number = Substring(text)
        var factor: UInt64 = 1
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            factor = unit.factor
            break
        }
        if number.hasSuffix(" ") { number = number.dropLast() }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let value = UInt64(number) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return overflow ? nil : product
    }

    /// `512 B`, `64 MiB`, `1.5 GiB`: binary units, at most one decimal.
    public static func format(_ bytes: UInt64) -> String {
        let binary: [(String, UInt64)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for (suffix, factor) in binary where bytes >= factor {
            let tenths = UInt64((Double(bytes) / Double(factor) * 10).rounded())
            let whole = tenths / 10
            let fraction = tenths % 10
            return fraction == 0 ? "\(whole) \(suffix)" : "\(whole).\(fraction) \(suffix)"
        }
        return "\(bytes) B"
    }
}
