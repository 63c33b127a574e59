import Foundation

/// A real HTTP server on 127.0.0.1 (a random port) that plays a network in tests: each request
/// is recorded and answered by `respond` — with recorded responses, paging, rate-limit headers,
/// errors, slow answers. HTTP/1.1, one request a connection.
public final class LocalServer: @unchecked Sendable {
    public struct Request: Sendable, CustomStringConvertible {
        public var method: String
        public var path: String
        public var query: [(String, String)]
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data

        public func query(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
        public var description: String { "\(method) \(path)" + (query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data
        /// Seconds to wait before answering (a slow network).
        public var delay: Double
        /// An answer that goes on arriving: `body` first, then what the test sends into it,
        /// chunked, until it is closed.
        public var stream: ResponseStream?

        public init(status: Int = 200, headers: [(String, String)] = [], body: Data = Data(), delay: Double = 0) {
            (self.status, self.headers, self.body, self.delay) = (status, headers, body, delay)
        }

        /// Server-sent events: `stream`'s text as the test sends it.
        public static func events(_ stream: ResponseStream, first: String = "") -> Response {
            var response = Response(headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "private, no-store")], body: Data(first.utf8))
            response.stream = stream
            return response
        }

        public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8))
        }

        public static func file(_ path: String, status: Int = 200, headers: [(String, String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: FileManager.default.contents(atPath: path) ?? Data())
        }
    }

    public let port: Int
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }
    private let socket: Int32
    private let lock = NSLock()
    private var recorded: [Request] = []
    private var respond: @Sendable (Request) -> Response
    private var stopped = false

    public init(_ respond: @escaping @Sendable (Request) -> Response) throws {
        self.respond = respond
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        // Not inherited by the programs a test starts: a listening socket left open in a child
        // outlives the test and takes connections nobody answers.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [weak self] in self?.accept() }
        thread.start()
    }

    deinit { stop() }

    /// Every request so far, in the order they came.
    public var requests: [Request] { lock.withLock { recorded } }

    /// Answers from now on with `respond`.
    public func answer(_ respond: @escaping @Sendable (Request) -> Response) {
        lock.withLock { self.respond = respond }
    }

    public func stop() {
        let wasStopped = lock.withLock { defer { stopped = true }; return stopped }
        guard !wasStopped else { return }
        shutdown(socket, Int32(SHUT_RDWR))
        close(socket)
    }

    private func accept() {
        while true {
            let client = Foundation.accept(socket, nil, nil)
            if client < 0 {
                if lock.withLock({ stopped }) { return }
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let thread = Thread { [weak self] in self?.serve(client) }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        defer { close(client) }
        guard let request = Self.read(client) else { return }
        let answer = lock.withLock { () -> @Sendable (Request) -> Response in
            recorded.append(request)
            return respond
        }
        let response = answer(request)
        if response.delay > 0 { usleep(useconds_t(response.delay * 1_000_000)) }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        for (name, value) in response.headers { head += "\(name): \(value)\r\n" }
        guard let stream = response.stream else {
            head += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
            _ = Self.write(Array(head.utf8) + Array(response.body), to: client)
            return
        }
        head += "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        guard Self.write(Array(head.utf8), to: client) else { return }
        var next: [UInt8]? = Array(response.body)
        while let chunk = next {
            if !chunk.isEmpty, !Self.write(Array(String(chunk.count, radix: 16).utf8) + [13, 10] + chunk + [13, 10], to: client) { break }
            next = stream.next()
        }
        _ = Self.write(Array("0\r\n\r\n".utf8), to: client)
    }

    private static func write(_ bytes: [UInt8], to client: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    private static func read(_ client: Int32) -> Request? {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var headerEnd: Int?
        while headerEnd == nil {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return nil }
            data += buffer[0..<count]
            headerEnd = Self.find([13, 10, 13, 10], in: data)
        }
        let head = String(decoding: data[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let first = head[0].split(separator: " ")
        guard first.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Array(data[(headerEnd! + 4)...])
        while body.count < length {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { break }
            body += buffer[0..<count]
        }
        let target = String(first[1])
        let components = URLComponents(string: target)
        let query = components?.queryItems?.map { ($0.name, $0.value ?? "") } ?? []
        return Request(method: String(first[0]), path: components?.path ?? target, query: query, headers: headers, body: Data(body))
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
        return nil
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}

/// What a streamed answer of `LocalServer` sends next: the test sends text into it and closes it.
public final class ResponseStream: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: [[UInt8]] = []
    private var closed = false

    public init() {}

    public func send(_ text: String) {
        condition.withLock {
            waiting.append(Array(text.utf8))
            condition.signal()
        }
    }

    /// Ends the answer (the server closes the connection).
    public func close() {
        condition.withLock {
            closed = true
            condition.broadcast()
        }
    }

    /// The next text sent, waiting for it; nil once closed.
    func next() -> [UInt8]? {
        condition.withLock {
            while waiting.isEmpty && !closed { condition.wait() }
            return waiting.isEmpty ? nil : waiting.removeFirst()
        }
    }
}
