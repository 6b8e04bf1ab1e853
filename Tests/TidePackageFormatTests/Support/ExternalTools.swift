import Foundation

struct ToolError: Error, CustomStringConvertible {
    let description: String
}

/// Runs a tool with a temporary file holding `input` as its last argument; returns stdout lines.
func runTool(_ arguments: [String], input: [UInt8]) throws -> [String] {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tide-\(UUID().uuidString).tar")
    try Data(input).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments + [file.path]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw ToolError(description: "\(arguments[0]) exited \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
}

func runPython(_ script: String, input: [UInt8]) throws -> [String] {
    try runTool(["python3", "-c", script], input: input)
}
