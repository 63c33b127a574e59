import Foundation

/// How talking to a network went wrong, as the service acts on it.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// 401/403, a refused token or session: the account stops until someone fixes it.
    case unauthorized(String)
    /// 429, or a rate limit spent: wait until then (Unix milliseconds), then go on.
    case rateLimited(until: Int64, String)
    /// 5xx, a timeout, a connection refused: try again later, with backoff.
    case temporary(String)
    /// The network refused this request for good (400, 404, 422…): say why; do not retry it.
    case refused(String)
    /// An answer heed cannot read.
    case unexpected(String)

    public var description: String {
        switch self {
        case .unauthorized(let m), .rateLimited(_, let m), .temporary(let m), .refused(let m), .unexpected(let m): m
        }
    }

    /// Sorts an answer that is not a success, with the network's own words where it gave any.
    public static func from(_ response: HTTPResponse, now: Int64, what: String) -> NetworkError {
        let said = Self.message(in: response)
        let detail = "\(what): HTTP \(response.status)" + (said.map { " (\($0))" } ?? "")
        switch response.status {
        case 401, 403: return .unauthorized(detail)
        // X's monthly cap reached: no header says when the month of the app's tier turns, and
        // asking every minute until then is of no use.
        case 429 where Self.problem(in: response) == "https://api.twitter.com/2/problems/usage-capped":
            return .rateLimited(until: now + 3_600_000, detail + " — the app's monthly post cap is reached; its plan or the month's turn lifts it")
        case 429: return .rateLimited(until: RateLimit.retryAt(response, now: now) ?? now + 60_000, detail)
        case 500...599, 408: return .temporary(detail)
        default: return .refused(detail)
        }
    }

    /// The kind of problem an RFC 7807 answer names (`type`).
    static func problem(in response: HTTPResponse) -> String? {
        (try? JSONParser.parse(response.body))?["type"]?.string
    }

    /// The error text networks put in their JSON bodies (`error`, `message`, `errors[0]`).
    static func message(in response: HTTPResponse) -> String? {
        guard let node = try? JSONParser.parse(response.body) else { return nil }
        if let text = node["error_description"]?.string ?? node["error"]?.string ?? node["message"]?.string ?? node["detail"]?.string {
            return String(text.prefix(200))
        }
        if case .array(let items)? = node["errors"]?.value, let first = items.first?.string ?? items.first?["message"]?.string { return String(first.prefix(200)) }
        return nil
    }
}

/// What a network says of its rate limits: how much is left and when it resets.
public struct RateLimit: Sendable, Equatable {
    public var remaining: Int?
    public var limit: Int?
    /// Unix milliseconds.
    public var resetAt: Int64?

    /// From the headers networks use: `X-RateLimit-*` (Mastodon: reset as an ISO time),
    /// `RateLimit-*` (Bluesky: reset as Unix seconds), `x-rate-limit-*` (X: reset as Unix seconds).
    public static func of(_ response: HTTPResponse) -> RateLimit? {
        func header(_ name: String) -> String? {
            response.header("x-ratelimit-" + name) ?? response.header("ratelimit-" + name) ?? response.header("x-rate-limit-" + name)
        }
        let remaining = header("remaining").flatMap { Int(Double($0) ?? -1) }
        let limit = header("limit").flatMap { Int(Double($0) ?? -1) }
        let reset = header("reset").flatMap(time)
        guard remaining != nil || limit != nil || reset != nil else { return nil }
        return RateLimit(remaining: remaining.flatMap { $0 >= 0 ? $0 : nil }, limit: limit.flatMap { $0 >= 0 ? $0 : nil }, resetAt: reset)
    }

    /// `Retry-After` (seconds or an HTTP date), else the rate limit's reset.
    static func retryAt(_ response: HTTPResponse, now: Int64) -> Int64? {
        if let after = response.header("retry-after") {
            if let seconds = Double(after) { return now + Int64(seconds * 1000) }
            if let date = RFC822.milliseconds(from: after) { return date }
        }
        return of(response)?.resetAt
    }

    /// A reset as the networks write it: Unix seconds, or an ISO 8601 time.
    private static func time(_ text: String) -> Int64? {
        if let seconds = Double(text) { return seconds > 1_000_000_000 ? Int64(seconds * 1000) : nil }
        return RFC3339.milliseconds(from: text)
    }
}
