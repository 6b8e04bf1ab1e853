import ArgumentParser

struct DatastoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datastore",
        abstract: "Work on a server's datastore directly (no server needed).",
        discussion: """
            A server keeps its state in <data-dir>/tide.sqlite and its package blobs in <data-dir>/blobs, or, \
            with --datastore postgres://..., both in one PostgreSQL database that several replicas share. \
            See docs/datastore-migrate.md.
            """,
        subcommands: [DatastoreMigrateCommand.self]
    )
}
