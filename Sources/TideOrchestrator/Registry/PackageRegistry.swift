import Foundation
import Logging
import TideModel
import TidePackageFormat
import TideResolver
import TideSigning
import TideStore

/// The package registry: publishing (checked, content-addressed, all or nothing), the index in
/// the store with an in-memory copy for reads and resolution, yanking, and serving files.
public actor PackageRegistry {
    private let store: any FleetStore
    private let blobs: BlobStore
    /// With several replicas: the blobs in the shared datastore, with `blobs` as this replica's cache.
    private let sharedBlobs: SharedBlobCache?
    private let events: EventBus
    private let logger: Logger
    private let validator = PackageValidator()
    /// Which publisher keys are trusted and which packages must be signed.
    private let signatures: SignaturePolicy
    /// Package name -> versions, newest first.
    private var entries: [String: [RegistryEntry]] = [:]
    private let metrics: ServerMetrics

    init(
        store: any FleetStore, blobs: BlobStore, sharedBlobs: (any SharedBlobStore)? = nil, events: EventBus, logger: Logger,
        signatures: SignaturePolicy = SignaturePolicy(trusted: [], requiredPrefixes: []), metrics: ServerMetrics
    ) async throws(StoreError) {
        self.metrics = metrics
        self.signatures = signatures
        self.store = store
        self.blobs = blobs
        self.sharedBlobs = sharedBlobs.map { SharedBlobCache(local: blobs, shared: $0) }
        self.events = events
        self.logger = logger
        entries = try await Self.load(store, named: nil)
    }

    private static func load(_ store: any FleetStore, named name: String?) async throws(StoreError) -> [String: [RegistryEntry]] {
        var loaded: [String: [RegistryEntry]] = [:]
        for record in try await store.packageVersions(named: name) {
            let entry = try Self.entry(record, files: try await store.packageFiles(name: record.name, version: record.version))
            loaded[record.name, default: []].append(entry)
        }
        return loaded.mapValues { $0.sorted { $0.version > $1.version } }
    }

    /// Reads one package's versions again: another replica published or yanked one.
    func reload(_ name: String) async throws(StoreError) {
        entries[name] = try await Self.load(store, named: name)[name]
    }

    private func add(_ record: PackageVersionRecord, files: [PackageFileRecord]) throws(StoreError) {
        let entry = try Self.entry(record, files: files)
        var list = entries[record.name] ?? []
        list.removeAll { $0.version == entry.version }
        list.append(entry)
        list.sort { $0.version > $1.version }
        entries[record.name] = list
    }

    private static func entry(_ record: PackageVersionRecord, files: [PackageFileRecord]) throws(StoreError) -> RegistryEntry {
        let package: ValidatedPackage
        do {
            package = try JSONDecoder().decode(ValidatedPackage.self, from: Data(record.metadata.utf8))
        } catch {
            throw .corrupt("package \(record.name) \(record.version) has unreadable metadata: \(error)")
        }
        guard let version = SemanticVersion(record.version) else {
            throw .corrupt("package \(record.name) has an invalid version \"\(record.version)\"")
        }
        return RegistryEntry(record: record, package: package, files: files, version: version)
    }

    // MARK: Reading

    public var isEmpty: Bool { entries.isEmpty }

    public func list() -> [PackageSummary] {
        entries.keys.sorted().compactMap { name in
            guard let versions = entries[name], let newest = versions.first else { return nil }
            return PackageSummary(
                name: name, description: newest.record.description,
                latest: versions.first { !$0.record.yanked }?.record.version,
                versions: versions.map(\.record.version), yanked: versions.filter(\.record.yanked).map(\.record.version))
        }
    }

    public func versions(of name: String) -> [PackageVersionInfo]? {
        entries[name]?.map { $0.info() }
    }

    public func version(_ name: String, _ version: String) -> PackageVersionInfo? {
        entry(name, version)?.info()
    }

    /// The entry for `name@version`; `version` may be omitted for the newest version not yanked.
    func entry(_ name: String, _ version: String?) -> RegistryEntry? {
        guard let list = entries[name] else { return nil }
        guard let version else { return list.first { !$0.record.yanked } }
        let wanted = SemanticVersion(version)
        return list.first { $0.record.version == version || $0.version == wanted }
    }

    func allEntries() -> [RegistryEntry] {
        entries.keys.sorted().flatMap { entries[$0] ?? [] }
    }

    /// A stored file: its record and the blob's path on disk.
    /// With several replicas, a blob another replica stored is fetched from the datastore into
    /// this replica's cache first.
    func file(_ name: String, _ version: String?, _ file: String) async -> (record: PackageFileRecord, path: String)? {
        guard let entry = entry(name, version), let record = entry.files.first(where: { $0.file == file }),
            let digest = BlobDigest(record.digest)
        else { return nil }
        await cacheShared(digest)
        return (record, blobs.path(for: digest))
    }

    /// Copies a blob from the shared datastore into the local cache when it is missing there; the
    /// store checks its digest as it reads it. A blob that cannot be had stays missing, and the
    /// route that wanted it says so.
    private func cacheShared(_ digest: BlobDigest) async {
        guard let sharedBlobs, !blobs.contains(digest) else { return }
        do {
            if try await sharedBlobs.localPath(for: digest) == nil {
                logger.error("blob \(digest.hex) is in the registry but not in the shared datastore")
            }
        } catch {
            logger.error("cannot fetch blob \(digest.hex) from the shared datastore: \(error)")
        }
    }

    /// The labels a function's results are named by (`result-labels`), read from its data file's
    /// blob. Nil when the function names none.
    func resultLabels(_ name: String, _ version: String, function: String) async throws(ResultLabelsError) -> ResultLabels? {
        guard let entry = entry(name, version), let labels = entry.package.manifest.function(named: function)?.resultLabels
        else { return nil }
        guard let record = entry.files.first(where: { $0.file == labels && $0.role == "data" }), let digest = BlobDigest(record.digest)
        else { throw ResultLabelsError("\(labels) of \(name) \(version) is not stored in the registry") }
        guard record.size <= ResultLabels.maximumBytes else {
            throw ResultLabelsError("\(labels) of \(name) \(version) is \(record.size) bytes long; the limit is \(ResultLabels.maximumBytes)")
        }
        await cacheShared(digest)
        let bytes: [UInt8]
        do {
            bytes = try blobs.read(digest)
        } catch {
            throw ResultLabelsError("\(labels) of \(name) \(version) cannot be read: \(error)")
        }
        do {
            return try ResultLabels(parsing: bytes)
        } catch {
            throw ResultLabelsError("\(labels) of \(name) \(version) \(error.message)")
        }
    }

    // MARK: Publishing

    /// Publishes a package from its files (package.yaml among them). Nothing is stored unless
    /// everything checks out; blobs written for a failed publish are removed again.
    public func publish(files uploaded: [String: [UInt8]], source: String) async throws(PublishError) -> PackageVersionInfo {
        do throws(PublishError) {
            let published = try await publishChecked(files: uploaded, source: source)
            metrics.published(succeeded: true)
            return published
        } catch {
            metrics.published(succeeded: false)
            throw error
        }
    }

    private func publishChecked(files uploaded: [String: [UInt8]], source: String) async throws(PublishError) -> PackageVersionInfo {
        var files = uploaded
        let signatureFile = files.removeValue(forKey: PackageSignatureFile.fileName)
        guard let yaml = files[PackageManifest.fileName] else {
            throw .invalid(["the package has no \(PackageManifest.fileName) at its top level"])
        }
        let manifest: PackageManifest
        do {
            manifest = try PackageManifest(yaml: yaml)
        } catch {
            throw .invalid(error.lines)
        }
        let versionText = SemanticVersion(
            manifest.version.major, manifest.version.minor, manifest.version.patch, prerelease: manifest.version.prerelease
        ).description
        if entries[manifest.name]?.contains(where: { $0.version == manifest.version }) == true {
            throw .exists("\(manifest.name) \(versionText) is already published; versions are immutable, publish a new version")
        }
        let package: ValidatedPackage
        do {
            package = try validator.validate(manifest: manifest, files: files, dependencies: catalog())
        } catch {
            throw .invalid(error.messages)
        }
        let moduleFileName = (manifest.module as NSString).lastPathComponent
        if let clash = manifest.files.first(where: { $0.name == moduleFileName }) {
            throw .invalid(["data file \(clash.name) has the name of the module file; rename it"])
        }
        let signing = try checkSignatures(signatureFile, files: files)

        var written: [BlobDigest] = []
        var fileRecords: [PackageFileRecord] = []
        do {
            for digest in package.files where digest.path != PackageManifest.fileName {
                guard let bytes = files[digest.path] else { continue }
                if !blobs.contains(digest.sha256) {
                    _ = try blobs.put(bytes)
                    written.append(digest.sha256)
                }
            }
        } catch {
            await removeUnreferenced(written)
            throw .storage("could not store the files of \(manifest.name) \(versionText): \(error)")
        }
        for digest in package.files {
            if digest.path == manifest.module {
                fileRecords.append(PackageFileRecord(
                    name: manifest.name, version: versionText, file: moduleFileName, path: digest.path, digest: digest.sha256.hex,
                    size: digest.size, mediaType: "application/wasm", role: "module"))
            }
            for file in manifest.files where file.path == digest.path {
                fileRecords.append(PackageFileRecord(
                    name: manifest.name, version: versionText, file: file.name, path: file.path, digest: digest.sha256.hex,
                    size: digest.size, mediaType: file.mediaType, role: "data"))
            }
        }
        guard let module = package.moduleDigest else {
            await removeUnreferenced(written)
            throw .invalid(["\(manifest.module) is missing"])
        }
        var sharedDigests: [String] = []
        if let sharedBlobs {
            var shared: [(digest: String, bytes: [UInt8])] = []
            for digest in package.files where digest.path != PackageManifest.fileName {
                if let bytes = files[digest.path] { shared.append((digest.sha256.hex, bytes)) }
            }
            sharedDigests = shared.map(\.digest)
            do {
                try await sharedBlobs.shared.saveBlobs(shared)
            } catch {
                await removeUnreferenced(written)
                throw .storage("could not store the files of \(manifest.name) \(versionText) in the shared datastore: \(error)")
            }
        }
        let metadata: String
        do {
            metadata = String(decoding: try JSONEncoder().encode(package), as: UTF8.self)
        } catch {
            await removeUnreferenced(written)
            throw .storage("could not encode the package metadata: \(error)")
        }
        let record = PackageVersionRecord(
            name: manifest.name, version: versionText, description: manifest.description ?? "",
            manifest: String(decoding: yaml, as: UTF8.self), metadata: metadata, moduleDigest: module.sha256.hex,
            moduleSize: module.size,
            dependencies: Dictionary(manifest.dependencies.map { ($0.name, $0.range.description) }, uniquingKeysWith: { a, _ in a }),
            hostCapabilities: package.hostCapabilities, publishedAt: Date(),
            signing: signing.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) })
        let event = NewFleetEvent(
            time: record.publishedAt, kind: .packagePublished, device: nil,
            message: "package \(manifest.name) \(versionText) published from \(source)"
                + (signing?.signedBy.map { ", signed by \($0)" } ?? ""),
            details: ["package": .string(manifest.name), "version": .string(versionText), "sha256": .string(module.sha256.hex)])
        do {
            let stored = try await store.publish(record, files: fileRecords, event: event)
            try add(record, files: fileRecords.sorted { $0.file < $1.file })
            notify(stored)
        } catch {
            await removeUnreferenced(written, shared: sharedDigests)
            if case .conflict(let message) = error { throw .exists(message) }
            throw .storage(error.description)
        }
        logger.info("published \(manifest.name) \(versionText)")
        return entry(manifest.name, versionText)?.info() ?? RegistryEntry(record: record, package: package, files: fileRecords, version: manifest.version).info()
    }

    /// Applies the signature policy to a package's files and its package.sig, if any; returns what
    /// to keep of the signatures.
    private func checkSignatures(_ signatureFile: [UInt8]?, files: [String: [UInt8]]) throws(PublishError) -> PackageSigning? {
        do {
            let parsed = try signatureFile.map { bytes throws(SigningError) in try PackageSignatureFile.parse(bytes) }
            let statement = try PackageArchive(files: files).statement()
            let signer = try signatures.check(statement, signatures: parsed?.signatures ?? [])
            guard let parsed, !parsed.signatures.isEmpty else { return nil }
            return PackageSigning(
                manifestSha256: statement.manifestSHA256,
                signatures: parsed.signatures.map { .init(key: $0.key, signature: Data($0.signature).base64EncodedString()) },
                signedBy: signer.map { "\($0.name) (\($0.id))" })
        } catch {
            throw .signature(error.message)
        }
    }

    private func notify(_ event: FleetEvent) {
        let events = self.events
        Task { await events.published([event]) }
    }

    /// Removes the blobs a failed publish wrote (locally, and in the shared datastore) that no
    /// published version refers to.
    private func removeUnreferenced(_ digests: [BlobDigest], shared: [String] = []) async {
        for digest in digests where (try? await store.isBlobReferenced(digest.hex)) == false {
            try? blobs.remove(digest)
        }
        guard let sharedBlobs else { return }
        for digest in shared where (try? await store.isBlobReferenced(digest)) == false {
            try? await sharedBlobs.shared.deleteBlob(digest)
        }
    }

    /// Every published version with its exports, for checking a new package's dependencies.
    private func catalog() -> DependencyCatalog {
        DependencyCatalog(entries.mapValues { list in list.map { PublishedVersion($0.package, isYanked: $0.record.yanked) } })
    }

    // MARK: Yanking

    /// Yanks or restores a version. Returns nil when there is no such version.
    public func setYanked(_ name: String, _ version: String, yanked: Bool) async throws(StoreError) -> PackageVersionInfo? {
        guard var entry = entry(name, version) else { return nil }
        guard entry.record.yanked != yanked else { return entry.info() }
        let text = entry.record.version
        let event = NewFleetEvent(
            time: Date(), kind: yanked ? .packageYanked : .packageUnyanked, device: nil,
            message: "package \(name) \(text) \(yanked ? "yanked: resolution no longer chooses it" : "restored")",
            details: ["package": .string(name), "version": .string(text)])
        guard let stored = try await store.setYanked(name: name, version: text, yanked: yanked, event: event) else { return nil }
        notify(stored)
        entry.record.yanked = yanked
        if var list = entries[name], let index = list.firstIndex(where: { $0.record.version == text }) {
            list[index] = entry
            entries[name] = list
        }
        return entry.info()
    }

    // MARK: Resolution

    /// Pins `requirements` (name -> range) and everything they depend on.
    func resolve(_ requirements: [String: String]) throws(ResolveFailure) -> [RegistryEntry] {
        let started = ContinuousClock.now
        do throws(ResolveFailure) {
            let pinned = try resolvePinned(requirements)
            metrics.resolved("ok", took: ContinuousClock.now - started)
            return pinned
        } catch {
            let result = switch error {
            case .badRange: "bad_range"
            case .unsatisfiable: "unsatisfiable"
            }
            metrics.resolved(result, took: ContinuousClock.now - started)
            throw error
        }
    }

    private func resolvePinned(_ requirements: [String: String]) throws(ResolveFailure) -> [RegistryEntry] {
        var dependencies: [TideResolver.PackageDependency] = []
        for name in requirements.keys.sorted() {
            do {
                dependencies.append(try TideResolver.PackageDependency(name, requirements[name] ?? "*"))
            } catch {
                throw .badRange(error.description)
            }
        }
        let resolution: Resolution
        do {
            resolution = try Resolver(provider: provider()).resolve(dependencies)
        } catch {
            throw .unsatisfiable(error.explanation?.lines ?? [error.description])
        }
        return resolution.packages.compactMap { entry($0.name, $0.version.description) }
    }

    private func provider() -> InMemoryPackageProvider {
        var provider = InMemoryPackageProvider()
        for list in entries.values {
            for entry in list {
                let dependencies = entry.package.manifest.dependencies.map { TideResolver.PackageDependency($0.name, $0.range) }
                provider.add(entry.record.name, entry.version, dependencies: dependencies, yanked: entry.record.yanked)
            }
        }
        return provider
    }
}

public enum ResolveFailure: Error, Equatable {
    case badRange(String)
    case unsatisfiable([String])
}
