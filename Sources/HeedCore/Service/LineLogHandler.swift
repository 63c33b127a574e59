import Foundation
import Logging

/// swift-log's lines for `heed run`: one line an event on standard error, as logfmt
/// (`at=… level=info logger=heed.listen part=listen:mastodon-help msg="polled" new=3`) or JSON.
/// Values are escaped so that nothing from a network can break a line or reach the terminal
/// raw; customer text is never logged above `debug`.
public struct LineLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case logfmt, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    private let label: String
    private let format: Format
    private let write: @Sendable (String) -> Void

    public init(label: String, format: Format, level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = LineLogHandler.standardError) {
        self.label = label
        self.format = format
        logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public static let standardError: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data(line.utf8)) }

    public func log(event: LogEvent) {
        var fields: [(String, String)] = [("at", RFC3339.string(fromMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))),
                                          ("level", event.level.rawValue), ("logger", label)]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        fields += merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
        if let error = event.error { fields.append(("error", "\(error)")) }
        fields.append(("msg", event.message.description))
        write(Self.line(fields, format: format))
    }

    static func line(_ fields: [(String, String)], format: Format) -> String {
        switch format {
        case .json:
            return JSONWriter.object(fields.map { ($0.0, JSONValue.string(Self.clean($0.1))) }) + "\n"
        case .logfmt:
            return fields.map { key, value in
                let clean = Self.clean(value)
                let bare = !clean.isEmpty && clean.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0 != "\\" }
                return key + "=" + (bare ? clean : "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"")
            }.joined(separator: " ") + "\n"
        }
    }

    /// Controls, escape sequences and bidi overrides out: a log line is one line, safe to print.
    static func clean(_ text: String) -> String {
        DisplayText(untrusted: text).string
    }
}
