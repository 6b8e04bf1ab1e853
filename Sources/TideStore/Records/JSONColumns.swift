import Foundation
import GRDB

/// The text a record's JSON column holds, as GRDB writes it (its per-column encoder: sorted keys,
/// dates in milliseconds since 1970). Every write of a JSON column outside the record itself (the
/// SQLite store's batched health updates, the PostgreSQL backend) goes through here, so the same
/// value is the same text wherever it is stored, and reads back through the record's decoder.
extension EncodableRecord {
    package static func jsonText<Value: Encodable>(_ value: Value, column: String) throws(StoreError) -> String {
        do {
            return String(decoding: try databaseJSONEncoder(for: column).encode(value), as: UTF8.self)
        } catch {
            throw .corrupt("cannot encode \(column) as JSON: \(error)")
        }
    }
}

extension FetchableRecord {
    package static func jsonValue<Value: Decodable>(_ type: Value.Type, from text: String, column: String) throws(StoreError) -> Value {
        do {
            return try databaseJSONDecoder(for: column).decode(type, from: Data(text.utf8))
        } catch {
            throw .corrupt("the \(column) column does not hold the JSON Tide writes: \(error)")
        }
    }
}
