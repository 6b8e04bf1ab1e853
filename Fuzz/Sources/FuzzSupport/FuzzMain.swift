import CLibFuzzer
#if canImport(Glibc)
import Glibc
#endif

/// The `main` of every fuzz target: hands the command line to libFuzzer with the target's
/// test function (the function libFuzzer knows as `LLVMFuzzerTestOneInput`).
public enum FuzzMain {
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}
