import Crypto
import TideStore

extension StoreSnapshot.Table {
    /// SHA-256 (hex) of the table's canonical content: every value of every row, in order, each
    /// tagged with its kind and length-prefixed, so two tables digest equal only when their
    /// rows are equal value for value.
    public var contentDigest: String {
        var hasher = SHA256()
        func add(_ tag: UInt8, _ bytes: some Collection<UInt8>) {
            hasher.update(data: [tag])
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: Array(bytes))
        }
        func add(_ tag: UInt8, _ number: Int64) {
            withUnsafeBytes(of: number.bigEndian) { add(tag, Array($0)) }
        }
        for row in rows {
            hasher.update(data: [0x0A])
            for value in row {
                switch value {
                case .null: add(0, EmptyCollection())
                case .text(let text): add(1, Array(text.utf8))
                case .integer(let number): add(2, number)
                case .boolean(let flag): add(3, flag ? 1 : 0)
                case .time(let milliseconds): add(4, milliseconds)
                }
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        for byte in hasher.finalize() {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
