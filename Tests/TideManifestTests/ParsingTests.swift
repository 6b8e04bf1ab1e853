import Foundation
import Testing
import TideManifest
import TideModel

@Suite struct ParsingTests {
    @Test func fullManifest() throws {
        let manifest = try ManifestParser.parse("""
            name: lobby-camera
            steps:
              - name: capture
                module: camera-capture@^1.0
                function: capture
                require: { labels: { zone: lobby }, capabilities: [camera.take_image], memory: 64MiB, device: dev-abc, avoid: [dev-x] }
              - name: classify
                module: classifier@~1.0
                function: classify
                input: capture
                require: { memory: 256MiB }
                prefer: { near: capture, labels: { tier: compute }, spread: true, weight: 2 }
              - name: store
                module: sink@1
                function: push
                on-failure: { fallback: [dev-a, dev-b] }
            on-failure: move
            """)
        #expect(manifest.name == "lobby-camera")
        #expect(manifest.onFailure == .move)
        #expect(manifest.steps.map(\.name) == ["capture", "classify", "store"])
        let capture = manifest.steps[0]
        #expect(capture.package == "camera-capture")
        #expect(capture.versionRange == (try VersionRange(parsing: "^1.0")))
        #expect(capture.inputs == [])
        #expect(capture.require == StepConstraints(
            labels: ["zone": "lobby"], capabilities: ["camera.take_image"], memoryBytes: 64 << 20, device: DeviceID("dev-abc"),
            avoid: [DeviceID("dev-x")]))
        let classify = manifest.steps[1]
        #expect(classify.inputs == ["capture"])
        #expect(classify.require.memoryBytes == 256 << 20)
        #expect(classify.prefer == StepPreferences(near: ["capture"], labels: ["tier": "compute"], spread: true, weight: 2))
        let store = manifest.steps[2]
        #expect(store.inputs == ["classify"])
        #expect(store.versionRange == (try VersionRange(parsing: "^1")))
        #expect(store.onFailure == .fallback([DeviceID("dev-a"), DeviceID("dev-b")]))
        #expect(manifest.failurePolicy(of: store) == .fallback([DeviceID("dev-a"), DeviceID("dev-b")]))
        #expect(manifest.failurePolicy(of: capture) == .move)
    }

    @Test func defaultsAnyVersionAndPreviousStepAsInput() throws {
        let manifest = try ManifestParser.parse("""
            name: a
            steps:
              - {name: one, module: fibo, function: fibo}
              - {name: two, module: fibo, function: fibo}
            """)
        #expect(manifest.steps[0].versionRange == .any)
        #expect(manifest.steps[1].inputs == ["one"])
        #expect(manifest.steps[1].prefer == StepPreferences())
        #expect(manifest.onFailure == .move)
    }

    @Test func fanInFanOutAndExplicitSources() throws {
        let manifest = try ManifestParser.parse("""
            name: dag
            steps:
              - {name: left, module: camera-capture, function: capture}
              - {name: right, module: temperature, function: read, input: []}
              - {name: join, module: stats, function: mean, input: [left, right]}
              - {name: out-a, module: sink, function: push, input: join}
              - {name: out-b, module: sink, function: push, input: join}
            """)
        #expect(manifest.steps.map(\.inputs) == [[], [], ["left", "right"], ["join"], ["join"]])
    }

    @Test func jsonManifest() throws {
        let manifest = try ManifestParser.parse("""
            {"name": "j", "steps": [{"name": "s", "module": "fibo@>=1.0, <2.0", "function": "fibo",
              "require": {"memory": 1048576}}], "on-failure": {"fallback": ["dev-1"]}}
            """, fileName: "manifest.json")
        #expect(manifest.steps[0].versionRange == (try VersionRange(parsing: ">=1.0, <2.0")))
        #expect(manifest.steps[0].require.memoryBytes == 1 << 20)
        #expect(manifest.onFailure == .fallback([DeviceID("dev-1")]))
    }

    @Test func rangesWithCommasNeedNoQuotesInBlockStyle() throws {
        let manifest = try ManifestParser.parse("name: a\nsteps:\n  - name: s\n    module: fibo@>=1.0, <2.0\n    function: fibo\n")
        #expect(manifest.steps[0].versionRange == (try VersionRange(parsing: ">=1.0, <2.0")))
    }

    @Test func manifestRoundTripsThroughJSONCoding() throws {
        let manifest = try ManifestParser.parse("""
            name: a
            steps:
              - {name: one, module: fibo@^1.1, function: fibo, on-failure: {fallback: [d1]}}
            """)
        let data = try JSONEncoder().encode(manifest)
        #expect(try JSONDecoder().decode(DeploymentManifest.self, from: data) == manifest)
    }

    @Test func aStepMayBeMarkedNotIdempotent() throws {
        let manifest = try ManifestParser.parse("""
            name: a
            steps:
              - {name: count, module: sink@1, function: push, idempotent: false}
              - {name: twice, module: fibo@^1.1, function: fibo, input: count, idempotent: true}
              - {name: plain, module: fibo@^1.1, function: fibo}
            """)
        #expect(manifest.steps.map(\.idempotent) == [false, true, nil])
        #expect(manifest.steps.map(\.mayRunTwice) == [false, true, true])
        let data = try JSONEncoder().encode(manifest)
        #expect(try JSONDecoder().decode(DeploymentManifest.self, from: data) == manifest)
        // Absent, it stays out of the stored form: manifests stored before it existed read the same.
        #expect(!String(decoding: try JSONEncoder().encode(manifest.steps[2]), as: UTF8.self).contains("idempotent"))
    }

    @Test func aStepMayKeepItsState() throws {
        let manifest = try ManifestParser.parse("""
            name: a
            steps:
              - {name: count, module: counter@1, function: increment, state: keep}
              - {name: avg, module: counter@1, function: get, state: {keep: true, checkpoint: 10s}}
              - {name: fast, module: counter@1, function: get, state: {checkpoint: 1500ms}}
              - {name: plain, module: counter@1, function: get, state: none}
              - {name: off, module: counter@1, function: get, state: {keep: false}}
              - {name: bare, module: counter@1, function: get}
            """)
        #expect(manifest.steps.map(\.state) == [
            KeptState(), KeptState(checkpointSeconds: 10), KeptState(checkpointSeconds: 1.5), nil, nil, nil,
        ])
        let data = try JSONEncoder().encode(manifest)
        #expect(try JSONDecoder().decode(DeploymentManifest.self, from: data) == manifest)
        #expect(!String(decoding: try JSONEncoder().encode(manifest.steps[5]), as: UTF8.self).contains("state"))
    }

    @Test func sizes() {
        #expect(ByteCount.parse("256MiB") == 256 << 20)
        #expect(ByteCount.parse("256 MiB") == 256 << 20)
        #expect(ByteCount.parse("1GB") == 1_000_000_000)
        #expect(ByteCount.parse("2KB") == 2_000)
        #expect(ByteCount.parse("3KiB") == 3_072)
        #expect(ByteCount.parse("1GiB") == 1 << 30)
        #expect(ByteCount.parse("512B") == 512)
        #expect(ByteCount.parse("268435456") == 268_435_456)
        for bad in ["256M", "256mib", "", "MiB", "-1", "1.5GiB", "99999999999999999999", "20000000TiB"] {
            #expect(ByteCount.parse(bad) == nil, "\(bad)")
        }
        #expect(ByteCount.format(64 << 20) == "64 MiB")
        #expect(ByteCount.format(1536 << 20) == "1.5 GiB")
        #expect(ByteCount.format(1000) == "1000 B")
        #expect(ByteCount.format(1 << 10) == "1 KiB")
    }
}
