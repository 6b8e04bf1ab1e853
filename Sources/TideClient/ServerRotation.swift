import Synchronization

/// The servers a client may use and the one it uses now. A client keeps to the server that last
/// answered (sticky) and moves on only when it cannot be reached; copies of a client share this.
final class ServerRotation: Sendable {
    let urls: [String]
    private let currentIndex = Mutex(0)

    init(urls: [String]) {
        self.urls = urls
    }

    var current: String { urls[currentIndex.withLock { $0 }] }

    /// Every server once, the current one first, then those after it in list order.
    func attemptOrder() -> [(index: Int, url: String)] {
        let start = currentIndex.withLock { $0 }
        return urls.indices.map { offset in
            let index = (start + offset) % urls.count
            return (index, urls[index])
        }
    }

    /// The server at `index` answered: later requests go there first.
    func settle(on index: Int) {
        currentIndex.withLock { $0 = index }
    }
}
