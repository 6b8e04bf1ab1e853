import Testing
import TideModel
import TidePlacement

@Suite struct FilterTests {
    /// Checks the per-device answer and that the fleet-wide bitset agrees with it.
    private func check(
        _ filter: any PlacementFilter, _ devices: [FleetDevice], _ step: PlacementStep, expect: [String: String?]
    ) {
        let index = fleet(devices)
        let stepContext = context(request([step]))
        let passing = filter.passing(for: stepContext, in: index)
        for (position, device) in index.devices.enumerated() {
            let reason = filter.rejection(of: device, for: stepContext)
            #expect(reason?.singular == expect[device.id.rawValue] ?? nil, "\(filter.name) \(device.id)")
            #expect(passing.contains(position) == (reason == nil), "\(filter.name) bitset for \(device.id)")
            #expect(reason == nil || reason?.filter == filter.name)
        }
    }

    @Test func alive() {
        check(AliveFilter(), [device("a"), device("b", .suspect), device("c", .dead)], step("s"),
              expect: ["a": nil, "b": "is suspect", "c": "is dead"])
        #expect(AliveFilter().rejection(of: device("c", .dead), for: context(request([step("s")])))?.plural == "are dead")
    }

    @Test func damped() {
        check(DampedFilter(), [device("a"), device("b", damped: true)], step("s"),
              expect: ["a": nil, "b": "is flapping (damped)"])
    }

    @Test func dampedKeepsTheWorkItHas() {
        let filter = DampedFilter()
        let index = fleet([device("a"), device("b", damped: true), device("c", damped: true)])
        let stepContext = context(request([step("s")]), current: "b")
        #expect(filter.rejection(of: device("b", damped: true), for: stepContext) == nil)
        #expect(filter.rejection(of: device("c", damped: true), for: stepContext)?.singular == "is flapping (damped)")
        let passing = filter.passing(for: stepContext, in: index)
        #expect(passing.contains(0) && passing.contains(1) && !passing.contains(2))
    }

    @Test func cordonKeepsNewWorkOffButTheWorkItHas() {
        func marked(_ id: String, cordoned: Bool = false, draining: Bool = false) -> FleetDevice {
            var entry = device(id)
            entry.cordoned = cordoned
            entry.draining = draining
            return entry
        }
        let devices = [marked("a"), marked("b", cordoned: true), marked("c", cordoned: true, draining: true)]
        check(CordonFilter(), devices, step("s"), expect: [
            "a": nil, "b": "is cordoned (tide device uncordon lets it take work)", "c": "is being drained (tide device drain)",
        ])
        let filter = CordonFilter()
        let index = fleet(devices)
        // The step already on b stays there; one on c (being drained) must leave.
        let onB = context(request([step("s")]), current: "b")
        #expect(filter.rejection(of: devices[1], for: onB) == nil)
        #expect(filter.passing(for: onB, in: index).contains(1))
        let onC = context(request([step("s")]), current: "c")
        #expect(filter.rejection(of: devices[2], for: onC)?.singular == "is being drained (tide device drain)")
        #expect(!filter.passing(for: onC, in: index).contains(2))
    }

    @Test func pinned() {
        let pinned = step("s", require: StepConstraints(device: DeviceID("b")))
        check(PinnedDeviceFilter(), [device("a"), device("b")], pinned, expect: ["a": "is not the required device b", "b": nil])
        check(PinnedDeviceFilter(), [device("a")], step("s"), expect: ["a": nil])
        let missing = step("s", require: StepConstraints(device: DeviceID("zz")))
        check(PinnedDeviceFilter(), [device("a")], missing, expect: ["a": "is not the required device zz"])
    }

    @Test func avoidList() {
        let avoiding = step("s", require: StepConstraints(avoid: [DeviceID("a"), DeviceID("ghost")]))
        check(AvoidListFilter(), [device("a"), device("b")], avoiding, expect: ["a": "is on the avoid list", "b": nil])
    }

    @Test func capabilitiesByQualifiedImportOrBareInterface() {
        let camera = step("s", capabilities: ["camera.take_image", "camera.image_size"])
        check(
            CapabilityFilter(),
            [
                device("tide", imports: ["camera.image_size", "camera.take_image"]),
                device("wasmiot", interfaces: ["image_size", "take_image", "fd_write"]),
                device("half", interfaces: ["take_image"]),
                device("none", interfaces: ["takeImageStaticSize"]),
            ],
            camera,
            expect: [
                "tide": nil, "wasmiot": nil, "half": "lacks camera.image_size",
                "none": "lacks camera.image_size, camera.take_image",
            ])
        check(CapabilityFilter(), [device("a")], step("s"), expect: ["a": nil])
    }

    @Test func floatsOnlyWhereTheProtocolCarriesThem() {
        let devices = [device("tide"), device("wasmiot", supervisor: .wasmiot)]
        check(
            ProtocolFilter(), devices, step("s", floats: true),
            expect: [
                "tide": nil,
                "wasmiot": "is a wasmiot supervisor: its protocol carries no floats (only integer, string and object) and the step passes one",
            ])
        check(ProtocolFilter(), devices, step("s"), expect: ["tide": nil, "wasmiot": nil])
    }

    @Test func aFloatStepIsPlacedOnTheTideSupervisorWithTheReasonForTheOthers() throws {
        let mixed = fleet([device("w1", supervisor: .wasmiot), device("w2", supervisor: .wasmiot), device("t", cpu: 0.9)])
        let plan = try PlacementSolver().solve(request([step("int"), step("float", floats: true)]), fleet: mixed)
        #expect(plan.device(of: "float") == DeviceID("t"))
        let wasmiotOnly = fleet([device("w1", supervisor: .wasmiot), device("w2", supervisor: .wasmiot)])
        do {
            _ = try PlacementSolver().solve(request([step("float", floats: true)]), fleet: wasmiotOnly)
            Issue.record("a float step was placed on wasmiot devices")
        } catch {
            #expect(error.description.contains("are wasmiot supervisors: their protocol carries no floats"), "\(error.description)")
        }
    }

    @Test func capabilitiesFromManifestAndPackageAreMerged() {
        let merged = step("s", capabilities: ["sensor.read_temperature"], require: StepConstraints(capabilities: ["camera.take_image"]))
        #expect(merged.capabilities == ["camera.take_image", "sensor.read_temperature"])
    }

    @Test func memory() {
        check(MemoryFilter(), [device("small", memory: 64 * mib), device("big", memory: 256 * mib)], step("s", memory: 256 * mib),
              expect: ["small": "has 64 MiB < 256 MiB", "big": nil])
        let both = step("s", memory: 100 * mib, require: StepConstraints(memoryBytes: 200 * mib))
        #expect(both.memoryBytes == 200 * mib)
        check(MemoryFilter(), [device("small", memory: 1)], step("s"), expect: ["small": nil])
    }

    @Test func labels() {
        let lobby = step("s", require: StepConstraints(labels: ["zone": "lobby", "floor": "1"]))
        check(
            LabelFilter(),
            [
                device("yes", labels: ["zone": "lobby", "floor": "1", "extra": "x"]),
                device("wrong", labels: ["zone": "hall", "floor": "1"]),
                device("bare"),
            ],
            lobby, expect: ["yes": nil, "wrong": "lacks label zone=lobby", "bare": "lacks label floor=1, zone=lobby"])
    }

    @Test func operatorLabelsWinOverReportedOnes() {
        let inventory = Device(
            id: DeviceID("d"), name: "d", addresses: [], port: 1, status: .alive, statusSince: .init(timeIntervalSince1970: 0),
            statusReason: "", description: RawJSON(unchecked: Array("{}".utf8)),
            capabilities: DeviceCapabilities(interfaces: ["take_image"], memoryBytes: gib, labels: ["zone": "hall", "arch": "arm"]),
            labels: ["zone": "lobby"], health: HealthReport(cpuUsage: 0.25, memoryUsage: 0.5, receivedAt: .init(timeIntervalSince1970: 0)),
            firstSeen: .init(timeIntervalSince1970: 0), lastSeen: .init(timeIntervalSince1970: 0))
        let seen = FleetDevice(device: inventory, imports: ["camera.take_image"], placedSteps: 2)
        #expect(seen.labels == ["zone": "lobby", "arch": "arm"])
        #expect(seen.cpuUsage == 0.25)
        #expect(seen.freeMemoryBytes == gib / 2)
        #expect(seen.interfaces == ["take_image"])
        #expect(seen.placedSteps == 2)
    }
}
