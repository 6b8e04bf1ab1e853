/// The simulated fleet of `tide dev`: one device profile (the YAML `tide supervisor --profile`
/// reads) per device, written to `<data-dir>/dev/<name>/profile.yaml` at each start.
enum DevProfiles {
    static let all: [(name: String, yaml: String)] = [
        ("camera-gateway", """
            name: camera-gateway
            labels: { zone: lobby, role: gateway }
            peripherals:
              - { name: cam0, kind: camera, simulated: true }
            simulation:
              memory: 512MiB
              cpu: { name: "Simulated Cortex-A53", clockHz: 1200000000 }
              arch: aarch64

            """),
        ("sensor-node", """
            name: sensor-node
            labels: { zone: lobby, role: sensor }
            peripherals:
              - { name: env0, kind: temperature-humidity, simulated: true }
            simulation:
              memory: 128MiB
              cpu: { name: "Simulated Cortex-M7", clockHz: 600000000 }
              arch: armv7

            """),
        ("compute-node", """
            name: compute-node
            labels: { zone: server-room, tier: compute }
            simulation:
              memory: 8GiB
              cpu: { name: "Simulated Xeon", clockHz: 3000000000 }
              arch: x86_64

            """),
        ("display", """
            name: display
            labels: { zone: lobby, role: display }
            simulation:
              memory: 1GiB
              cpu: { name: "Simulated Cortex-A72", clockHz: 1500000000 }
              arch: aarch64

            """),
        ("edge-box", """
            name: edge-box
            labels: { zone: warehouse, role: gateway }
            peripherals:
              - { name: env1, kind: temperature-humidity, simulated: true }
            simulation:
              memory: 2GiB
              cpu: { name: "Simulated Cortex-A76", clockHz: 2400000000 }
              arch: aarch64

            """),
    ]
}
