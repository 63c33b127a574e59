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

/// Talks HTTP. The real one is `URLSessionHTTPClient`; the tests start a local server that plays
/// the network from its recorded answers, so the same client is tested.
public protocol HTTPClient: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// HTTP through Foundation's URLSession (libcurl on Linux): TLS verified, the proxy from
/// `HTTPS_PROXY`/`https_proxy`, a time limit on connecting and on the whole request.
public final class URLSessionHTTPClient: HTTPClient, @unchecked Sendable {
    private let session: URLSession
    /// Sent with every request: networks ask for a descriptive one.
    public static let userAgent = "heed/1 (social listening inbox; +https://github.com/heed)"

    public init(timeoutSeconds: Double = 30) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds * 2
        configuration.httpAdditionalHeaders = ["User-Agent": Self.userAgent]
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        session = URLSession(configuration: configuration)
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var urlRequest = URLRequest(url: request.url)
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        urlRequest.httpBody = request.body
        let (data, response): (Data, URLResponse)
        do {
            (data, response) = try await session.data(for: urlRequest)
        } catch let error as URLError where error.code == .timedOut {
            throw NetworkError.temporary("no answer from \(request.url.host ?? "the network") in time")
        } catch let error as URLError {
            throw NetworkError.temporary("\(request.url.host ?? "the network"): \(error.localizedDescription)")
        }
        guard let http = response as? HTTPURLResponse else { throw NetworkError.unexpected("not an HTTP answer") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPResponse(status: http.statusCode, headers: headers, body: data)
    }
}
