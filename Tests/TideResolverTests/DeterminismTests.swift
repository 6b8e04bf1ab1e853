import Testing
import TideModel
import TideResolver

@Suite struct DeterminismTests {
    @Test func sameInputSameOutputRegardlessOfInsertionOrder() throws {
        for seed in UInt64(1)...60 {
            let random = try RandomRegistry(seed: seed, packages: 6)
            var reversed = InMemoryPackageProvider()
            for name in random.provider.packageNames.reversed() {
                for version in random.provider.versions(of: name).reversed() {
                    reversed.add(
                        name, version,
                        dependencies: random.provider.dependencies(of: name, version: version).reversed(),
                        yanked: random.provider.isYanked(name, version: version))
                }
            }
            let first = result(random.provider, random.root)
            #expect(first == result(random.provider, random.root), "seed \(seed)")
            #expect(first == result(reversed, random.root.reversed()), "seed \(seed)")
        }
    }

    private func result(_ provider: InMemoryPackageProvider, _ root: [PackageDependency]) -> String {
        do {
            return try Resolver(provider: provider).resolve(root).packages.map(\.description).joined(separator: ", ")
        } catch {
            return error.description
        }
    }
}
