import Foundation

/// Reads and parses a file on a thread of its own, ahead of the writer, so that parsing (a
/// sixth of an import) runs on the second core while SQLite works on the first. It hands over
/// small chunks and at most a few wait, so memory does not grow with the file.
///
/// A file is JSON Lines (one document a line) unless its first line is the start of a larger
/// document, in which case the whole file is one document (an API response saved as is). The
/// format is the one forced, or the first that recognises the first document.
final class ParsedChunks: @unchecked Sendable {
    /// One input record, parsed.
    enum Item: Sendable {
        case mention(IncomingMention)
        /// `raw` is what goes to the rejects file: the line, or the record's JSON.
        case rejected(Rejection, raw: [UInt8]?)
        case blank
    }

    /// Records handed over at a time; the writer commits several chunks per transaction, and
    /// looks at its time budget between chunks (a few milliseconds of storing and scoring each).
    static let chunkSize = 64
    /// A single JSON document larger than this is refused (API pages are far smaller).
    static let maximumDocumentBytes = 256 << 20

    struct Chunk: Sendable {
        var items: [Item] = []
        /// Where the line after this chunk starts, and the number of its last line (0, 0 for a
        /// whole-document file, which is imported again from the start if interrupted).
        var nextOffset: Int64 = 0
        var lastLine = 0
        var isLast = false
        /// The format in use, once known.
        var format: String?
        /// What each mention's text gives triage, by the index of its item (empty unless asked for).
        var readings: [MentionReading?] = []
    }

    private let queue = ChunkQueue<Chunk>(capacity: 4)

    private let source: String
    private let context: FormatContext
    private var format: (any MentionFormat)?
    private let reader: MentionReader?
    private var chunk = Chunk()
    /// Whether the document being read had strings too long to keep.
    private var dropped = false

    /// Starts reading `fd` from `offset` (line `firstLine`). The reader works on a duplicate of
    /// the descriptor and closes it when done, so the caller may close `fd` at any time without
    /// the reader touching a descriptor number that has since been reused.
    /// `reader`: each mention's text is also read for triage, on the reader's thread.
    init(fd: Int32, offset: Int64, firstLine: Int, source: String, format: (any MentionFormat)?, context: FormatContext,
         reader: MentionReader? = nil) {
        self.source = source
        self.context = context
        self.format = format
        self.reader = reader
        chunk = Chunk(nextOffset: offset, lastLine: firstLine - 1, format: format?.name)
        let own = dup(fd)
        let thread = Thread { [self] in
            defer { if own >= 0 { close(own) } }
            do {
                guard own >= 0 else { throw HeedError("\(source): cannot read: \(String(cString: strerror(errno)))", .unreadable) }
                if let messages = sniffed((any MessageMentionFormat).self, fd: own) {
                    if try !readMessages(fd: own, format: messages) { return }
                } else if let whole = sniffed((any ByteMentionFormat).self, fd: own) {
                    if try !readBytes(fd: own, format: whole) { return }
                } else if let csv = try csvFormat(fd: own) {
                    if try !readCSV(fd: own, format: csv) { return }
                } else if try !readLines(fd: own, offset: offset, firstLine: firstLine) {
                    return
                }
                chunk.isLast = true
                if push() { queue.finish() }
            } catch {
                queue.fail(error)
            }
        }
        thread.name = "heed-ingest-reader"
        thread.start()
    }

    /// The next chunk, waiting for the reader; throws what the reader hit. After the last, an
    /// empty last chunk again.
    func next() throws -> Chunk {
        try queue.next() ?? Chunk(isLast: true)
    }

    /// Stops the reader (the writer failed or finished); it ends at its next chunk.
    func cancel() {
        queue.cancel()
    }

    // MARK: Reader thread

    /// Reads JSON Lines; returns false when cancelled. Switches to reading one document when the
    /// first line is only the start of one.
    private func readLines(fd: Int32, offset: Int64, firstLine: Int) throws -> Bool {
        var reader = LineReader(fd: fd, offset: offset, firstLine: firstLine)
        var sawDocument = false
        var wholeDocument = false
        while true {
            let read: Void? = try reader.next { line -> Void in
                switch line {
                case .tooLong(let number, let next):
                    chunk.items.append(.rejected(Rejection(line: number, field: nil, reason: "line longer than \(LineReader.maximumLineBytes) bytes"), raw: nil))
                    (chunk.nextOffset, chunk.lastLine) = (next, number)
                case .text(let bytes, let number, let next):
                    (chunk.nextOffset, chunk.lastLine) = (next, number)
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        chunk.items.append(.blank)
                        return
                    }
                    do {
                        let document = try JSONParser.parse(bytes, firstLine: number)
                        sawDocument = true
                        try add(document, raw: Array(bytes))
                    } catch let error as JSONSyntaxError {
                        if !sawDocument && offset == 0 && error.reason.contains("end of input") {
                            wholeDocument = true
                            return
                        }
                        if !sawDocument && format == nil, let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 }),
                           first != UInt8(ascii: "{") && first != UInt8(ascii: "[") {
                            throw HeedError("\(source): cannot tell its format: line \(number) is not JSON", .badData, hint: .nameFormat)
                        }
                        chunk.items.append(.rejected(Rejection(line: number, field: nil, reason: "not valid JSON: \(error.reason) (column \(error.column))"),
                                                     raw: Array(bytes)))
                    }
                }
            }
            if wholeDocument {
                if try readDocument(fd: fd) { return true }
                // Not one document after all (a JSON Lines file whose first line is cut): read it as lines.
                wholeDocument = false
                sawDocument = true
                chunk = Chunk(format: format?.name)
                guard lseek(fd, 0, SEEK_SET) == 0 else { throw HeedError("\(source): cannot rewind", .unreadable) }
                reader = LineReader(fd: fd)
                continue
            }
            if read == nil { return true }
            if chunk.items.count >= Self.chunkSize {
                guard push() else { return false }
                chunk = Chunk(nextOffset: chunk.nextOffset, lastLine: chunk.lastLine, format: chunk.format)
            }
        }
    }

    /// Reads the whole file as one JSON document; false when it does not parse (then it is lines).
    private func readDocument(fd: Int32) throws -> Bool {
        var longStrings = LongStrings()
        let bytes = try readAll(fd: fd) { longStrings.append($0, to: &$1) }
        dropped = longStrings.dropped
        let document: JSONNode
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            // Its second line parses alone: JSON Lines with a broken first line.
            let lines = bytes.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
            if lines.count > 1, (try? JSONParser.parse(lines[1])) != nil { return false }
            chunk = Chunk(format: format?.name)
            chunk.items.append(.rejected(Rejection(line: error.line, field: nil, reason: "not valid JSON: \(error.reason) (column \(error.column))"), raw: nil))
            return true
        }
        chunk = Chunk(format: format?.name)
        try add(document, raw: nil)
        return true
    }

    /// The whole file, refusing one larger than a document may be; `adding` keeps what it reads.
    private func readAll(fd: Int32, adding: (ArraySlice<UInt8>, inout [UInt8]) -> Void = { $1 += $0 }) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw HeedError("\(source): read failed: \(String(cString: strerror(errno)))", .unreadable)
            }
            if count == 0 { break }
            adding(buffer[0..<count], &bytes)
            offset += off_t(count)
            guard offset <= Self.maximumDocumentBytes else {
                throw HeedError("\(source): one document larger than \(Self.maximumDocumentBytes >> 20) MiB; split it (or write JSON Lines)", .badData)
            }
        }
        return bytes
    }

    /// The first bytes of the file, for telling CSV and XML formats apart.
    private func head(fd: Int32) -> [UInt8] {
        var head = [UInt8](repeating: 0, count: 4096)
        let count = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, 0) }
        return count > 0 ? Array(head[0..<count]) : []
    }

    /// The format of a kind (message or byte format) to read the file in: the one forced, or the
    /// first of that kind whose sniff knows the file's head.
    private func sniffed<Kind>(_ kind: Kind.Type, fd: Int32) -> Kind? {
        if let forced = format { return forced as? Kind }
        let start = head(fd: fd)
        guard let found = MentionFormats.all.first(where: { $0 is Kind && ($0 as? any SniffedMentionFormat)?.sniff(start) == true })
        else { return nil }
        format = found
        return found as? Kind
    }

    /// A message longer than this is refused: a customer's words never come near it, and parts
    /// decoded from it would be held several times over.
    static let maximumMessageBytes = 32 << 20

    /// Reads messages one after another, each handed to the format whole; memory holds one message,
    /// and a message over `maximumMessageBytes` is refused as it is read, never held whole.
    /// An interrupted import starts again, storing nothing twice.
    private func readMessages(fd: Int32, format messages: any MessageMentionFormat) throws -> Bool {
        chunk = Chunk(format: messages.name)
        var reader = LineReader(fd: fd)
        var message: [UInt8] = []
        var start = 0
        var tooLong = false
        func flush() {
            guard start > 0 else { return }
            chunk.items.append(tooLong
                ? .rejected(Rejection(line: start, field: nil, reason: "a message longer than \(Self.maximumMessageBytes >> 20) MiB (its attachments are not read)"),
                            raw: nil)
                : Self.item(messages.record(message: message[...], line: start), line: start))
            message.removeAll(keepingCapacity: message.count <= 1 << 20)
            tooLong = false
        }
        while true {
            let read: Void? = try reader.next { line in
                switch line {
                case .text(let bytes, let number, _):
                    if messages.startsMessage(bytes) {
                        flush()
                        start = number
                    } else if start > 0 && !tooLong {
                        if message.count + bytes.count >= Self.maximumMessageBytes {
                            tooLong = true
                            message.removeAll()
                        } else {
                            message.append(contentsOf: bytes)
                            message.append(0x0A)
                        }
                    }
                case .tooLong(let number, _):
                    chunk.items.append(.rejected(Rejection(line: number, field: nil, reason: "line longer than \(LineReader.maximumLineBytes) bytes"), raw: nil))
                }
            }
            if read == nil {
                flush()
                return true
            }
            if chunk.items.count >= Self.chunkSize {
                guard push() else { return false }
                chunk = Chunk(format: messages.name)
            }
        }
    }

    private static func item(_ record: FormatRecord, line: Int = 0) -> Item {
        switch record {
        case .mention(let mention): checked(mention, line: line)
        case .rejected(let rejection, _): .rejected(rejection, raw: nil)
        }
    }

    /// One limit for every format: a text longer than heed's own format allows is refused,
    /// saying so, rather than stored (no post on any network comes near it), and so is a record
    /// with any other field over `LongStrings.limit`, or with a string `dropped` as its document
    /// was read (`LongStrings`).
    static func checked(_ mention: IncomingMention, line: Int, dropped: Bool = false) -> Item {
        func length(_ value: String?) -> Int { (dropped ? LongStrings.dropped(in: value) : nil) ?? value?.utf8.count ?? 0 }
        func refused(_ field: String, _ bytes: Int, _ limit: Int, _ what: String) -> Item {
            .rejected(Rejection(line: line, field: field, reason: "\(bytes) bytes, longer than the \(limit) bytes \(what) may have"), raw: nil)
        }
        let text = length(mention.text)
        guard text <= HeedJSONLines.maximumTextBytes else { return refused("text", text, HeedJSONLines.maximumTextBytes, "a text") }
        let fields: [(String, String?)] = [("source id", mention.sourceID), ("author id", mention.author.id), ("author handle", mention.author.handle),
                                           ("author name", mention.author.name), ("url", mention.url), ("in reply to", mention.inReplyTo),
                                           ("thread id", mention.threadID), ("lang", mention.lang), ("extra", mention.extra)]
        for (field, value) in fields where length(value) > LongStrings.limit {
            return refused(field, length(value), LongStrings.limit, "a field")
        }
        return .mention(mention)
    }

    /// Reads a whole-file format (a feed); an interrupted import of one starts again.
    private func readBytes(fd: Int32, format whole: any ByteMentionFormat) throws -> Bool {
        let bytes = try readAll(fd: fd)
        chunk = Chunk(format: whole.name)
        var going = true
        whole.records(in: bytes, context: context) { record in
            chunk.items.append(Self.item(record))
            if chunk.items.count >= Self.chunkSize {
                going = push()
                chunk = Chunk(format: whole.name)
            }
            return going
        }
        return going
    }

    /// The CSV format to read the file in: the one forced, or the one whose header is its first line.
    private func csvFormat(fd: Int32) throws -> (any CSVMentionFormat)? {
        if let forced = format { return forced as? any CSVMentionFormat }
        let start = head(fd: fd)
        guard !start.isEmpty else { return nil }
        let firstLine = start.split(separator: 0x0A, maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let found = MentionFormats.csv(header: String(decoding: firstLine, as: UTF8.self)) else { return nil }
        format = found
        chunk.format = found.name
        return found
    }

    /// Reads comma-separated records (quoted fields may hold line breaks). Not resumable by
    /// position: an interrupted CSV import starts again, storing nothing twice.
    private func readCSV(fd: Int32, format csv: any CSVMentionFormat) throws -> Bool {
        chunk = Chunk(format: csv.name)
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw HeedError("\(source): cannot rewind", .unreadable) }
        var reader = CSVRecordReader(fd: fd)
        guard let header = try reader.next() else { return true }
        guard let skip = MentionFormats.indexColumns(header.fields, csv.header) else {
            throw HeedError("\(source): its header is \(DisplayText(untrusted: header.fields.joined(separator: ",")).string), not the "
                                + "\(csv.name) format's \(csv.header.joined(separator: ","))", .badData)
        }
        // A data-frame library's row index before the format's columns: ignored, and said so.
        let name = skip == 0 ? csv.name : csv.name + ", its unnamed first column (a row index) ignored"
        chunk.format = name
        while let (fields, line) = try reader.next() {
            let row = skip > 0 && fields.count == csv.header.count + skip ? Array(fields.dropFirst(skip)) : fields
            if row.count != csv.header.count {
                chunk.items.append(.rejected(Rejection(line: line, field: nil, reason: "expected \(csv.header.count) fields, found \(row.count)"),
                                             raw: Self.csvLine(row)))
            } else {
                switch csv.record(Dictionary(uniqueKeysWithValues: zip(csv.header, row)), line: line) {
                case .mention(let mention): chunk.items.append(Self.checked(mention, line: line))
                case .rejected(let rejection, _): chunk.items.append(.rejected(rejection, raw: Self.csvLine(row)))
                }
            }
            if chunk.items.count >= Self.chunkSize {
                guard push() else { return false }
                chunk = Chunk(format: name)
            }
        }
        return true
    }

    /// A record as one CSV line again, for the rejects file.
    static func csvLine(_ fields: [String]) -> [UInt8] {
        Array(fields.map { field in
            field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",").utf8)
    }

    /// Turns one document into items, detecting the format from the first document seen.
    private func add(_ document: JSONNode, raw: [UInt8]?) throws {
        if format == nil {
            guard let detected = MentionFormats.detect(document) else {
                throw HeedError("\(source): cannot tell its format from line \(document.line)", .badData, hint: .nameFormat)
            }
            format = detected
            chunk.format = detected.name
        }
        for record in format!.records(in: document, context: context) {
            switch record {
            case .mention(let mention): chunk.items.append(Self.checked(mention, line: document.line, dropped: dropped))
            case .rejected(let rejection, let node): chunk.items.append(.rejected(rejection, raw: node.map { Array(JSONWriter.string($0).utf8) } ?? raw))
            }
        }
    }

    private func push() -> Bool {
        if let reader {
            chunk.readings = chunk.items.map { item in
                guard case .mention(let mention) = item else { return nil }
                return reader.read(mention)
            }
        }
        return queue.push(chunk)
    }
}
