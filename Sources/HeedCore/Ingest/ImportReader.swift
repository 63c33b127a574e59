import Foundation

/// Reads a file exactly as `heed ingest` does — format detection, the reader thread, every
/// importer — without storing anything: for fuzzing, and for checking a file before importing it.
public enum ImportReader {
    public enum Record: Sendable {
        case mention(IncomingMention)
        case rejected(Rejection)
    }

    /// Every record of the file, in order, and the format used. A file that cannot be read or
    /// told apart throws a `HeedError`, as `heed ingest` reports it.
    public static func read(path: String, format: (any MentionFormat)? = nil, config: Config = Config()) throws -> (format: String?, records: [Record]) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw HeedError("\(path): cannot read: \(String(cString: strerror(errno)))", .unreadable) }
        defer { close(fd) }
        let chunks = ParsedChunks(fd: fd, offset: 0, firstLine: 1, source: path, format: format, context: FormatContext(config: config))
        defer { chunks.cancel() }
        var records: [Record] = []
        var name: String?
        while true {
            let chunk = try chunks.next()
            name = chunk.format ?? name
            for item in chunk.items {
                switch item {
                case .mention(let mention): records.append(.mention(mention))
                case .rejected(let rejection, _): records.append(.rejected(rejection))
                case .blank: break
                }
            }
            if chunk.isLast { return (name, records) }
        }
    }
}
