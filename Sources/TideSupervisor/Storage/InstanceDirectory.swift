/// The directory of one installed copy of a deployment. It is removed when the last user lets go:
/// a replaced deployment's calls still running keep their files until they finish.
package final class InstanceDirectory: Sendable {
    let path: String

    init(path: String) throws(SupervisorError) {
        self.path = path
        try DataDirectory.create(path)
    }

    deinit {
        DataDirectory.remove(path)
    }
}
