/// Reads a `text/event-stream` (the HTML standard's server-sent events) as its bytes arrive, in
/// chunks that may split a line or a character anywhere: lines end in LF, CRLF or CR; a line
/// starting with `:` is a comment (a heartbeat); `event` and `data` fields make an event, several
/// `data` lines joined by LF; a blank line dispatches it; other fields are ignored.
struct ServerSentEvents: Sendable {
    struct Event: Sendable, Equatable {
        var name: String
        var data: String
    }

    /// Bytes of a line not yet ended.
    private var line: [UInt8] = []
    /// A CR ended the last line: an LF right after it belongs to it.
    private var afterCR = false
    private var name = ""
    private var data: [String] = []
    /// Comments seen so far: the server's heartbeats.
    private(set) var heartbeats = 0
    /// Longest event heed keeps whole; a longer one is dropped (its lines are still read).
    static let maxEventBytes = 4 << 20
    private var eventBytes = 0

    /// The events `chunk` completes.
    mutating func feed<Bytes: Sequence>(_ chunk: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for byte in chunk {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A, 0x0D:
                afterCR = byte == 0x0D
                if let event = take(line) { events.append(event) }
                line.removeAll(keepingCapacity: true)
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// One whole line: a field kept, or the event dispatched at a blank line.
    private mutating func take(_ line: [UInt8]) -> Event? {
        if line.isEmpty {
            defer { (name, data, eventBytes) = ("", [], 0) }
            guard !data.isEmpty, eventBytes <= Self.maxEventBytes else { return nil }
            return Event(name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"))
        }
        if line.first == UInt8(ascii: ":") {
            heartbeats += 1
            return nil
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = String(decoding: line[..<colon], as: UTF8.self)
        var value = colon < line.endIndex ? line[(colon + 1)...] : []
        if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        switch field {
        case "event": name = String(decoding: value, as: UTF8.self)
        case "data":
            eventBytes += value.count
            if eventBytes <= Self.maxEventBytes { data.append(String(decoding: value, as: UTF8.self)) }
        default: break
        }
        return nil
    }
}
