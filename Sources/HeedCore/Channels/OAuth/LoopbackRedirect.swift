import Foundation

/// Where the browser comes back to heed once the operator has said yes: one listening socket on
/// 127.0.0.1 (RFC 8252 §7.3), never another interface, closed as soon as the code has come.
final class LoopbackRedirect {
    private let socket: Int32
    let port: Int
    let path: String

    /// Listens on `port` (any free one when 0) for requests to `path`.
    init(port: Int = 0, path: String = "/callback") throws {
        let fd = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HeedError("cannot listen for the sign-in's redirect: \(String(cString: strerror(errno)))", .failed) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 8) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw HeedError("cannot listen on 127.0.0.1:\(port) for the sign-in's redirect: \(reason)", .failed)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        socket = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.path = path
    }

    deinit { close(socket) }

    var redirectURI: String { "http://127.0.0.1:\(port)\(path)" }

    /// What arrived first: the redirect's query, or a line read from `input` (a terminal where
    /// the operator may paste the address the browser ended on instead).
    enum Arrival: Equatable {
        case redirect([(String, String)])
        case pasted(String)

        static func == (a: Arrival, b: Arrival) -> Bool {
            switch (a, b) {
            case (.redirect(let x), .redirect(let y)): x.map { "\($0.0)=\($0.1)" } == y.map { "\($0.0)=\($0.1)" }
            case (.pasted(let x), .pasted(let y)): x == y
            default: false
            }
        }
    }

    /// Waits up to `timeout` seconds for a request to `path` that carries `state` (anything else
    /// the browser asks for is answered 404, a stray state 400), answering the browser with a
    /// line to close the tab.
    func wait(state: String, timeout: Double, input: Int32? = nil) throws -> Arrival {
        var input = input
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HeedError("no sign-in came back within \(Int(timeout)) s", .failed) }
            var watched = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0)]
            if let input { watched.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&watched, nfds_t(watched.count), Int32(min(left, 1) * 1000))
            if ready < 0 && errno == EINTR { continue }
            if let fd = input, watched[1].revents != 0 {
                // An empty line is asked again; the input's end is only no longer listened to.
                switch Self.readLine(fd) {
                case .some(let line) where !line.isEmpty: return .pasted(line)
                case .some: break
                case .none: input = nil
                }
            }
            guard watched[0].revents & Int16(POLLIN) != 0 else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            defer { close(client) }
            guard let target = Self.requestTarget(client), let components = URLComponents(string: "http://127.0.0.1" + target) else { continue }
            guard components.path == path else {
                Self.answer(client, status: "404 Not Found", text: "Not here.")
                continue
            }
            let query = (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }
            guard query.first(where: { $0.0 == "state" })?.1 == state else {
                Self.answer(client, status: "400 Bad Request", text: "This sign-in was not started by this heed.")
                continue
            }
            let refused = query.first { $0.0 == "error" } != nil
            Self.answer(client, status: "200 OK", text: refused ? "The sign-in was refused; heed says why in the terminal."
                        : "Signed in: heed has it. You can close this tab and go back to the terminal.")
            return .redirect(query)
        }
    }

    /// The request line's target, from at most 8 KB of what the browser sent.
    private static func requestTarget(_ client: Int32) -> String? {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 2048)
        while bytes.count < 8192, !bytes.contains(10) {
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { break }
            bytes += buffer[0..<count]
        }
        guard let end = bytes.firstIndex(of: 10) else { return nil }
        let words = String(decoding: bytes[..<end], as: UTF8.self).split(separator: " ")
        guard words.count >= 2, words[0] == "GET", words[1].hasPrefix("/") else { return nil }
        return String(words[1])
    }

    private static func answer(_ client: Int32, status: String, text: String) {
        let body = "<!doctype html><meta charset=utf-8><title>heed</title><p>\(text)</p>\n"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n" + body
        _ = Array(response.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
    }

    /// A line from `fd`, trimmed; nil at its end.
    static func readLine(_ fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        var ended = true
        while read(fd, &byte, 1) == 1 {
            ended = false
            if byte == 10 { break }
            bytes.append(byte)
            if bytes.count > 16_384 { break }
        }
        if ended && bytes.isEmpty { return nil }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
