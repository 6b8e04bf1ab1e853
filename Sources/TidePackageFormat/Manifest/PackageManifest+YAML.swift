extension PackageManifest {
    /// package.yaml text that parses back to an equal manifest. Defaults are written out
    /// (`method: get`), free text is double-quoted.
    public var yamlText: String {
        var lines = [
            "name: \(name)",
            "version: \(version)",
        ]
        if let description { lines.append("description: \(quotedYAML(description))") }
        lines.append("module: \(quotedYAML(module))")
        lines.append("functions:")
        for function in functions {
            lines.append("  \(quotedYAML(function.name)):")
            lines.append("    method: \(function.method.rawValue)")
            if let description = function.description {
                lines.append("    description: \(quotedYAML(description))")
            }
            if !function.parameters.isEmpty {
                lines.append("    parameters:")
                for parameter in function.parameters {
                    lines.append("      - name: \(parameter.name)")
                    lines.append("        type: \(parameter.type.rawValue)")
                }
            }
            lines.append("    result: \(function.result?.rawValue ?? "none")")
        }
        if !files.isEmpty {
            lines.append("files:")
            for file in files {
                lines.append("  \(file.name):")
                lines.append("    path: \(quotedYAML(file.path))")
                lines.append("    media-type: \(quotedYAML(file.mediaType))")
            }
        }
        if !dependencies.isEmpty {
            lines.append("dependencies:")
            for dependency in dependencies {
                lines.append("  \(dependency.name): \(quotedYAML(dependency.range.description))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private func quotedYAML(_ text: String) -> String {
    var quoted = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        case "\n": quoted += "\\n"
        case "\t": quoted += "\\t"
        case "\r": quoted += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                quoted += "\\x" + String(repeating: "0", count: 2 - hex.count) + hex
            } else {
                quoted.unicodeScalars.append(scalar)
            }
        }
    }
    return quoted + "\""
}
