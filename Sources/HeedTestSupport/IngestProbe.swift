import HeedCore

/// Imports a file into a fresh in-memory cache, keeping every rejection: the common first step
/// of importer tests.
public enum IngestProbe {
    public static func file(_ path: String, config: Config = Config()) throws -> (database: AppDatabase, report: IngestReport, rejections: [Rejection]) {
        let database = try AppDatabase.inMemory()
        let ingester = Ingester(database: database, config: config)
        var rejections: [Rejection] = []
        ingester.onReject = { _, rejection, _ in rejections.append(rejection) }
        return (database, try ingester.ingest(path: path), rejections)
    }
}
