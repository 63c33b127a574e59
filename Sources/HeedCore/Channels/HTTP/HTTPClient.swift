import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A request to a network's API.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    public var url: URL
    public var headers: [(String, String)]
    public var body: Data?

    public init(_ method: String, _ url: URL, headers: [(String, String)] = [], body: Data? = nil) {
        (self.method, self.url, self.headers, self.body) = (method, url, headers, body)
    }

    public static func == (a: HTTPRequest, b: HTTPRequest) -> Bool {
        a.method == b.method && a.url == b.url && a.body == b.body && a.headers.map { "\($0.0): \($0.1)" } == b.headers.map { "\($0.0): \($0.1)" }
    }

    /// A JSON body, with its content type.
    public static func json(_ method: String, _ url: URL, headers: [(String, String)] = [], _ object: [(String, JSONValue)]) -> HTTPRequest {
        HTTPRequest(method, url, headers: headers + [("Content-Type", "application/json")], body: Data(JSONWriter.object(object).utf8))
    }
}

/// What the network answered.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON, or why it is not.
    public func json() throws -> JSONNode {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw NetworkError.unexpected("the answer is not JSON (\(error.description))")
        }
    }
}

/// An answer that goes on arriving (server-sent events): its status and headers at once, its
/// body as the network sends it. Ending the iteration of `body` closes the connection.
public struct HTTPStream: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: AsyncThrowingStream<[UInt8], Error>

    /// The body read whole, at most `limit` bytes: for an answer that is not the stream asked for.
    public func response(limit: Int = 1 << 20) async throws -> HTTPResponse {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes += chunk.prefix(limit - bytes.count)
            if bytes.count >= limit { break }
        }
        return HTTPResponse(status: status, headers: headers, body: Data(bytes))
    }
}

/// Talks HTTP. The real one is `URLSessionHTTPClient`; the tests start a local server that plays
/// the network from its recorded answers, so the same client is tested.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// Opens an answer that goes on arriving; nothing arriving for `idleSeconds` ends it with
    /// `NetworkError.temporary`.
    func open(_ request: HTTPRequest, idleSeconds: Double) async throws -> HTTPStream
}

/// HTTP through Foundation's URLSession (libcurl on Linux): TLS verified, the proxy from
/// `HTTPS_PROXY`/`https_proxy`, a time limit on connecting and on the whole request.
public final class URLSessionHTTPClient: HTTPClient, @unchecked Sendable {
    private let session: URLSession
    /// Sent with every request: networks ask for a descriptive one.
    public static let userAgent = "heed/1 (social listening inbox; +https://github.com/heed)"

    public init(timeoutSeconds: Double = 30) {
        session = URLSession(configuration: Self.configuration(idleSeconds: timeoutSeconds, totalSeconds: timeoutSeconds * 2))
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: Self.urlRequest(request))
        } catch let error as URLError where error.code == .timedOut {
            throw NetworkError.temporary("no answer from \(request.url.host ?? "the network") in time")
        } catch let error as URLError {
            throw NetworkError.temporary("\(request.url.host ?? "the network"): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw NetworkError.unexpected("not an HTTP answer") }
        return HTTPResponse(status: http.statusCode, headers: Self.headers(of: http), body: data)
    }

    /// A session of its own for each stream (a session's delegate is fixed when it is made): the
    /// idle limit is the one asked for, and nothing limits how long the stream lasts.
    public func open(_ request: HTTPRequest, idleSeconds: Double) async throws -> HTTPStream {
        let configuration = Self.configuration(idleSeconds: idleSeconds, totalSeconds: 7 * 86_400)
        let reader = StreamReader(host: request.url.host ?? "the network", idleSeconds: idleSeconds)
        let session = URLSession(configuration: configuration, delegate: reader, delegateQueue: nil)
        let task = session.dataTask(with: Self.urlRequest(request))
        reader.body.onTermination = { _ in
            task.cancel()
            session.invalidateAndCancel()
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                reader.waitForHead(continuation)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        return HTTPStream(status: head.statusCode, headers: Self.headers(of: head), body: reader.stream)
    }

    /// Nothing kept between requests (no cache, no cookies), our User-Agent on each; a wait of
    /// `idleSeconds` for more data, `totalSeconds` for the whole answer.
    private static func configuration(idleSeconds: Double, totalSeconds: Double) -> URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = idleSeconds
        configuration.timeoutIntervalForResource = totalSeconds
        configuration.httpAdditionalHeaders = ["User-Agent": Self.userAgent]
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        return configuration
    }

    private static func urlRequest(_ request: HTTPRequest) -> URLRequest {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        return urlRequest
    }

    private static func headers(of response: HTTPURLResponse) -> [String: String] {
        var headers: [String: String] = [:]
        for (name, value) in response.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return headers
    }
}

/// Hands a streamed answer on as it arrives: its head to the one waiting for it, its bytes to
/// the body's iteration.
private final class StreamReader: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    let stream: AsyncThrowingStream<[UInt8], Error>
    let body: AsyncThrowingStream<[UInt8], Error>.Continuation
    private let host: String
    private let idleSeconds: Double
    private let lock = NSLock()
    private var head: CheckedContinuation<HTTPURLResponse, Error>?

    init(host: String, idleSeconds: Double) {
        (stream, body) = AsyncThrowingStream.makeStream(of: [UInt8].self, throwing: Error.self)
        (self.host, self.idleSeconds) = (host, idleSeconds)
    }

    func waitForHead(_ continuation: CheckedContinuation<HTTPURLResponse, Error>) {
        lock.withLock { head = continuation }
    }

    private func takeHead() -> CheckedContinuation<HTTPURLResponse, Error>? {
        lock.withLock { defer { head = nil }; return head }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        if let http = response as? HTTPURLResponse {
            takeHead()?.resume(returning: http)
        } else {
            takeHead()?.resume(throwing: NetworkError.unexpected("not an HTTP answer"))
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        body.yield([UInt8](data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        let failure: Error? = switch error {
        case nil: nil
        case let error as URLError where error.code == .cancelled: CancellationError()
        case let error as URLError where error.code == .timedOut: NetworkError.temporary("nothing from \(host) for \(Int(idleSeconds)) s")
        case let error as URLError: NetworkError.temporary("\(host): \(error.localizedDescription)")
        case let error?: error
        }
        takeHead()?.resume(throwing: failure ?? NetworkError.unexpected("\(host) closed the connection before answering"))
        body.finish(throwing: failure)
        session.finishTasksAndInvalidate()
    }
}
