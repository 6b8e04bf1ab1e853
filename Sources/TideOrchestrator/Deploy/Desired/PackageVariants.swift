import TideModel

/// Steps that ask for different ranges of one package: the manifest is resolved once per range
/// (variant `i` takes each package's `i`-th distinct range, or its last), every step takes the
/// version its own range resolved to, and the packages the steps import must come out at one
/// version across the variants.
enum PackageVariants {
    /// The distinct ranges each package is asked for, in manifest order.
    static func ranges(of manifest: DeploymentManifest) -> [String: [String]] {
        var ranges: [String: [String]] = [:]
        for step in manifest.steps {
            let range = step.versionRange.description
            if !(ranges[step.package]?.contains(range) ?? false) { ranges[step.package, default: []].append(range) }
        }
        return ranges
    }

    /// The requirements of each resolution: one when no package is asked for in several ranges.
    static func requirements(_ ranges: [String: [String]]) -> [[String: String]] {
        let count = ranges.values.map(\.count).max() ?? 1
        return (0..<max(count, 1)).map { index in ranges.mapValues { $0[min(index, $0.count - 1)] } }
    }

    /// Each step pinned to the version its range resolved to, imports to their one version.
    /// `resolutions[i]` is variant `i`'s result, by package name.
    static func pin(
        _ manifest: DeploymentManifest, ranges: [String: [String]], resolutions: [[String: RegistryEntry]]
    ) throws(DeploymentError) -> PinnedPackages {
        var pinned = PinnedPackages()
        // Import name -> (version, the step whose module imports it), first seen.
        var imports: [String: (version: String, step: String)] = [:]
        for step in manifest.steps {
            let variant = ranges[step.package]?.firstIndex(of: step.versionRange.description) ?? 0
            let resolution = resolutions[min(variant, resolutions.count - 1)]
            guard let own = resolution[step.package] else {
                throw .internalFailure("resolution did not pin \(step.package)")
            }
            pinned.pin(step.name, at: own.record.version)
            pinned.add(own)
            var pending = own.record.dependencies.keys.sorted()
            var seen: Set<String> = [step.package]
            while let name = pending.popLast() {
                guard seen.insert(name).inserted, let entry = resolution[name] else { continue }
                let version = entry.record.version
                if let earlier = imports[name], earlier.version != version {
                    throw .badRequest(
                        "steps \(earlier.step) and \(step.name) need \(name) at \(earlier.version) and \(version); steps may pin "
                            + "different versions of their own packages, but a package they import must resolve to one version "
                            + "(give the steps ranges of their packages that import compatible versions of \(name))")
                }
                imports[name] = imports[name] ?? (version, step.name)
                pinned.add(entry)
                pending.append(contentsOf: entry.record.dependencies.keys.sorted())
            }
        }
        for (name, imported) in imports.sorted(by: { $0.key < $1.key }) {
            if let step = manifest.steps.first(where: { $0.package == name && pinned.entry(of: $0)?.record.version != imported.version }) {
                throw .badRequest(
                    "step \(step.name) runs \(name) \(pinned.entry(of: step)?.record.version ?? "?"), but step \(imported.step) imports \(name) \(imported.version); "
                        + "a package that steps import runs at that one version in every step of the deployment")
            }
        }
        return pinned
    }
}
