import WasmKit

/// `camera`: a simulated camera whose every image is the same bundled test picture.
struct CameraModule: HostModule {
    let name = "camera"
    let functions: [HostFunction]

    init?(profile: DeviceProfile) {
        guard profile.has(.camera) else { return nil }
        let image = TestImage.pgm
        functions = [
            HostFunction(name: "image_size", parameters: [], results: [.i32]) { _, _ in
                [.i32(UInt32(image.count))]
            },
            HostFunction(name: "take_image", parameters: [.i32, .i32], results: [.i32]) { caller, arguments in
                guard arguments.count == 2, case .i32(let pointer) = arguments[0], case .i32(let capacity) = arguments[1] else {
                    return [.i32(UInt32(bitPattern: -1))]
                }
                guard Int(Int32(bitPattern: capacity)) >= image.count else { return [.i32(UInt32(bitPattern: -1))] }
                try GuestMemoryAccess.write(image, to: try GuestMemoryAccess.memory(of: caller), at: pointer)
                return [.i32(UInt32(image.count))]
            },
        ]
    }
}

/// The simulated camera's picture: a 64x48 8-bit grayscale PGM (P5) with a diagonal gradient,
/// generated in code so it is the same on every device.
public enum TestImage {
    public static let width = 64
    public static let height = 48

    public static let pgm: [UInt8] = {
        var bytes = Array("P5\n\(width) \(height)\n255\n".utf8)
        bytes.reserveCapacity(bytes.count + width * height)
        for y in 0..<height {
            for x in 0..<width {
                bytes.append(UInt8((x * 255 / (width - 1) + y * 255 / (height - 1)) / 2))
            }
        }
        return bytes
    }()
}
