/// Quotes a name as a WAT string literal, escaping quotes, backslashes and control characters.
func quotedWAT(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let hex = String(scalar.value, radix: 16)
            quoted += "\\" + (hex.count == 1 ? "0" + hex : hex)
        default: quoted.unicodeScalars.append(scalar)
        }
    }
    return quoted + "\""
}
