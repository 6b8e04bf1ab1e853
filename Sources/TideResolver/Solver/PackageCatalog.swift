import TideModel

/// Packages as the solver sees them: a dense id per name, the sorted version list, yanked sets and
/// dependencies compiled into incompatibility templates over version indices. Filled lazily from a
/// `PackageProvider`; one catalog can serve many resolutions (the index sweep reuses it).
final class PackageCatalog {
    struct Package {
        var name: String
        var versions: [SemanticVersion]
        var exists: Bool
        var nonYanked: VersionSet
        var dependencies: CompiledDependencies?
    }

    /// One dependency shared by a run of consecutive versions, as PubGrub collapses them.
    struct Template {
        var depender: VersionSet
        var dependencySet: VersionSet
        var fact: DependencyFact
        var globalIndex: Int
    }

    struct CompiledDependencies {
        var templates: [Template]
        /// Template indices per version index.
        var byVersion: [[Int32]]
    }

    static let rootID: Int32 = 0

    let provider: any PackageProvider
    private(set) var packages: [Package]
    private var ids: [String: Int32] = [:]
    private(set) var labels: [VersionRange] = []
    private var labelIDs: [VersionRange: Int32] = [:]
    private(set) var templateCount = 0

    init(provider: any PackageProvider) {
        self.provider = provider
        packages = [Package(
            name: "", versions: [SemanticVersion(0, 0, 0)], exists: true,
            nonYanked: .single(0), dependencies: CompiledDependencies(templates: [], byVersion: [[]]))]
    }

    var count: Int { packages.count }

    func name(_ id: Int32) -> String { packages[Int(id)].name }

    func versions(_ id: Int32) -> [SemanticVersion] { packages[Int(id)].versions }

    func id(for name: String) throws(ResolutionError) -> Int32 {
        if let id = ids[name] { return id }
        let listed: [SemanticVersion]
        do {
            listed = try provider.versions(of: name)
        } catch {
            throw .providerFailure(package: name, reason: "\(error)")
        }
        var versions: [SemanticVersion] = []
        for version in listed.sorted() where versions.last != version {
            versions.append(version)
        }
        var nonYanked = VersionSet.empty
        for (index, version) in versions.enumerated() {
            let yanked: Bool
            do {
                yanked = try provider.isYanked(name, version: version)
            } catch {
                throw .providerFailure(package: name, reason: "\(error)")
            }
            if !yanked { nonYanked.insert(index) }
        }
        let id = Int32(packages.count)
        packages.append(Package(
            name: name, versions: versions, exists: !versions.isEmpty, nonYanked: nonYanked, dependencies: nil))
        ids[name] = id
        return id
    }

    func label(for range: VersionRange) -> Int32 {
        if let id = labelIDs[range] { return id }
        let id = Int32(labels.count)
        labels.append(range)
        labelIDs[range] = id
        return id
    }

    /// The indices of `package`'s versions inside `range`.
    func set(of package: Int32, matching range: VersionRange) -> VersionSet {
        var set = VersionSet.empty
        if range.isAny {
            for (index, version) in packages[Int(package)].versions.enumerated() where !version.isPrerelease {
                set.insert(index)
            }
            return set
        }
        for (index, version) in packages[Int(package)].versions.enumerated() where range.contains(version) {
            set.insert(index)
        }
        return set
    }

    func isYanked(_ package: Int32, _ index: Int) -> Bool {
        !packages[Int(package)].nonYanked.contains(index)
    }

    func dependencies(of package: Int32) throws(ResolutionError) -> CompiledDependencies {
        if let compiled = packages[Int(package)].dependencies { return compiled }
        let compiled = try compileDependencies(of: package)
        packages[Int(package)].dependencies = compiled
        return compiled
    }

    private func compileDependencies(of package: Int32) throws(ResolutionError) -> CompiledDependencies {
        let name = packages[Int(package)].name
        let versions = packages[Int(package)].versions
        var templates: [Template] = []
        var byVersion: [[Int32]] = Array(repeating: [], count: versions.count)
        // For each dependency package: the template of the run that ended at the previous version.
        var openRuns: [Int32: (range: VersionRange, template: Int, last: Int)] = [:]
        for (index, version) in versions.enumerated() {
            let declared: [PackageDependency]
            do {
                declared = try provider.dependencies(of: name, version: version)
            } catch {
                throw .providerFailure(package: name, reason: "\(version): \(error)")
            }
            var seen: Set<Int32> = []
            for dependency in declared.sorted(by: { $0.name < $1.name }) {
                let target = try id(for: dependency.name)
                if target == package && contains(version, in: dependency.range) { continue }
                guard seen.insert(target).inserted else {
                    // Two constraints on the same package in one version: keep both as separate templates.
                    templates.append(makeTemplate(package, index, target, dependency.range, templates.count))
                    byVersion[index].append(Int32(templates.count - 1))
                    continue
                }
                if let open = openRuns[target], open.last == index - 1, open.range == dependency.range {
                    templates[open.template].depender.insert(index)
                    openRuns[target] = (open.range, open.template, index)
                    byVersion[index].append(Int32(open.template))
                    continue
                }
                templates.append(makeTemplate(package, index, target, dependency.range, templates.count))
                openRuns[target] = (dependency.range, templates.count - 1, index)
                byVersion[index].append(Int32(templates.count - 1))
            }
        }
        for index in templates.indices {
            templates[index].globalIndex = templateCount
            templateCount += 1
        }
        return CompiledDependencies(templates: templates, byVersion: byVersion)
    }

    private func contains(_ version: SemanticVersion, in range: VersionRange) -> Bool {
        range.contains(version)
    }

    private func makeTemplate(
        _ package: Int32, _ index: Int, _ target: Int32, _ range: VersionRange, _ local: Int
    ) -> Template {
        let dependencySet = set(of: target, matching: range)
        var problem: DependencyFact.Problem?
        if !packages[Int(target)].exists {
            problem = .unknownPackage
        } else if target == package {
            problem = .requiresOtherVersionOfItself
        } else if dependencySet.isEmpty {
            problem = .noMatchingVersion
        }
        return Template(
            depender: .single(index), dependencySet: dependencySet,
            fact: DependencyFact(dependency: target, label: label(for: range), problem: problem),
            globalIndex: local)
    }

    /// The incompatibility a template stands for.
    func incompatibility(for template: Template, of package: Int32) -> Incompatibility {
        var terms = [Term(package: package, positive: true, set: template.depender)]
        switch template.fact.problem {
        case nil:
            terms.append(Term(
                package: template.fact.dependency, positive: false, set: template.dependencySet,
                label: template.fact.label))
        case .requiresOtherVersionOfItself, .unknownPackage, .noMatchingVersion:
            break
        }
        return Incompatibility(terms: terms, cause: .dependency(template.fact))
    }
}
