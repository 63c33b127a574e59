import Foundation

/// One CSV field that neither breaks the row nor runs as a spreadsheet formula.
public enum CSVCell {
    public static func escape(_ untrusted: String) -> String {
        var text = DisplayText(untrusted: untrusted).string
        if let first = text.unicodeScalars.first, "=+-@".unicodeScalars.contains(first) {
            text = "'" + text
        }
        if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
