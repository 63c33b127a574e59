/// Text a member of the public could post to break or fool a terminal: every kind the
/// sanitiser (`DisplayText`) must neutralise, for the core's tests and the screen's.
public enum HostileStrings {
    public static let all: [String] = [
        "good\rEVIL",                                   // carriage return overwrites
        "back\u{8}\u{8}\u{8}\u{8}EVIL",                   // backspaces
        "bell\u{7}\u{7}",
        "title\u{1B}]0;pwned\u{7}",                      // OSC title, BEL-terminated
        "title2\u{1B}]2;pwned\u{1B}\\",                  // OSC title, ST-terminated
        "clip\u{1B}]52;c;ZXZpbA==\u{7}",                 // OSC 52 clipboard write
        "link\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\",  // OSC 8 hyperlink
        "\u{1B}[2J\u{1B}[Hcleared",                       // CSI clear screen, home
        "\u{1B}[6n report",                              // CSI device status report (answers into input)
        "\u{1B}c reset",                                 // RIS full reset
        "\u{1B}P1$qm\u{1B}\\dcs",                        // DCS
        "c1\u{9B}31mred",                                // 8-bit CSI
        "c1osc\u{9D}0;title\u{9C}",                      // 8-bit OSC and ST
        "c1dcs\u{90}q\u{9C}",                            // 8-bit DCS
        "nel\u{85}next",                                 // C1 next line
        "nul\u{0}cut",
        "del\u{7F}",
        "bidi \u{202E}txt.exe\u{202C}",                   // right-to-left override
        "embed \u{202A}\u{202B}\u{202D}x\u{202C}",
        "iso \u{2066}\u{2067}\u{2068}hidden\u{2069}",     // isolates
        "marks \u{200E}\u{200F}\u{061C}",                // LRM, RLM, Arabic letter mark
        "zero\u{200B}width\u{FEFF}\u{2060}",
        "tag\u{E0041}\u{E0042}",
        "lines\u{2028}and\u{2029}paragraphs",
        "annot\u{FFF9}a\u{FFFA}b\u{FFFB}",
        "private\u{E000}use",
    ]
}
