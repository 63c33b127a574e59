/// Text that is safe to put on a terminal, in a log or in a CSV cell.
///
/// Everything written by the public passes through `init(untrusted:)`, which works per
/// Unicode scalar (not per Character: one Character can hide fifty combining marks or a
/// ZWJ) and replaces what could move the cursor, change the terminal's state, reorder the
/// text or hide it: C0 and C1 controls (so ESC and with it every CSI, OSC and DCS
/// sequence), bidi overrides and isolates, and invisible format characters.
public struct DisplayText: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let string: String

    /// Shown instead of a neutralised character: visible, one column, never a control.
    public static let placeholder: Unicode.Scalar = "\u{FFFD}"

    public init(untrusted text: String, keepNewlines: Bool = false) {
        // Printable ASCII, most of what arrives, is safe as it is (the screen sanitises every
        // row on every frame).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            string = text
            return
        }
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(text.unicodeScalars.count)
        var combiningRun = 0
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                scalars.append(scalar)
                combiningRun = 0
                continue
            }
            if scalar == "\n", keepNewlines {
                scalars.append(scalar)
                combiningRun = 0
                continue
            }
            if scalar == "\t" || (scalar == "\n" && !keepNewlines) || scalar == "\r" {
                scalars.append(" ")
                combiningRun = 0
                continue
            }
            if Self.isNeutralised(scalar) {
                scalars.append(Self.placeholder)
                combiningRun = 0
                continue
            }
            // "Zalgo" stacks of combining marks draw over neighbouring rows in some terminals.
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
                combiningRun += 1
                if combiningRun > 3 { continue }
            } else {
                combiningRun = 0
            }
            scalars.append(scalar)
        }
        string = String(scalars)
    }

    /// Text heed wrote itself (labels, numbers); still checked, since it may quote public text.
    public init(_ literal: String) {
        self.init(untrusted: literal)
    }

    public var description: String { string }

    static func isNeutralised(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        // What most text and heed's own reasons use ("negative −0.9", “quotes”, accents): none of
        // it is a control, a format character, private or unassigned, which saves the lookup of
        // its category (a test checks each against the categories).
        case 0x20...0x7E, 0xA0...0xAC, 0xAE...0x36F, 0x2010...0x2027, 0x2030...0x205E, 0x2212: return false
        case 0x00...0x1F, 0x7F...0x9F: return true          // C0, DEL, C1 (ESC, CSI 0x9B, OSC 0x9D, DCS 0x90)
        case 0x200B, 0x200E, 0x200F: return true            // zero-width space, LRM, RLM (ZWJ/ZWNJ stay: emoji, scripts)
        case 0x202A...0x202E: return true                   // bidi embeddings and overrides
        case 0x2060...0x206F: return true                   // word joiner, invisible operators, isolates
        case 0xFEFF: return true                             // zero-width no-break space / BOM
        case 0xFFF9...0xFFFB: return true                   // interlinear annotation
        case 0xE0000...0xE007F: return true                 // tag characters
        case 0xD800...0xDFFF: return true
        default:
            return isNeutralisedByCategory(scalar)
        }
    }

    static func isNeutralisedByCategory(_ scalar: Unicode.Scalar) -> Bool {
        let category = scalar.properties.generalCategory
        return category == .format && scalar.value != 0x200D && scalar.value != 0xFE0F
            || category == .privateUse || category == .lineSeparator || category == .paragraphSeparator || category == .unassigned
    }
}
