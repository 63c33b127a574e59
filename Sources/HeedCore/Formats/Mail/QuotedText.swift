/// Splits a reply from the earlier message it quotes, so the screen shows what is new.
enum QuotedText {
    /// The reply without the quoted history below it (and without a trailing signature separator).
    static func trimmed(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if let original = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("-----Original Message-----") }) {
            lines.removeSubrange(original...)
        }
        // Drop the trailing block of quoted lines, blank lines among them.
        while let last = lines.last, last.hasPrefix(">") || last.trimmingCharacters(in: .whitespaces).isEmpty {
            lines.removeLast()
        }
        // …and the attribution that introduced it ("On Sun, 2 Jan …, Dana wrote:"), possibly over two lines.
        if let last = lines.last?.trimmingCharacters(in: .whitespaces), last.hasSuffix("wrote:") || last.hasSuffix("schrieb:") || last.hasSuffix("a écrit :") {
            lines.removeLast()
            // A wrapped attribution: "On Sun, Jan 2, 2022 at 6:02 AM Dana <d@x>" then "wrote:".
            // It carries a date or an address; "On Monday I'll call." above "Dana wrote:" is the reply.
            if !last.hasPrefix("On "), let previous = lines.last?.trimmingCharacters(in: .whitespaces), previous.hasPrefix("On "),
               previous.contains("<") || previous.contains("@") || previous.contains(where: \.isNumber) {
                lines.removeLast()
            }
        }
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        // A reply written below what it quotes: the attribution and the quoted block above it go too.
        if let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
           first.trimmingCharacters(in: .whitespaces).hasSuffix("wrote:") {
            let afterAttribution = lines.drop { !$0.trimmingCharacters(in: .whitespaces).hasSuffix("wrote:") }.dropFirst()
            let reply = afterAttribution.drop { $0.hasPrefix(">") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
            if !reply.isEmpty { lines = Array(reply) }
        }
        let kept = lines.joined(separator: "\n")
        return kept.isEmpty ? text.trimmingCharacters(in: .whitespacesAndNewlines) : kept
    }
}

import Foundation
