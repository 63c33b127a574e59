import Foundation

/// What a public reply should not hold: a card number (digits that pass the Luhn check), an
/// account number, an e-mail address or a phone number. Heed warns; the operator decides.
public enum PrivateData {
    /// What `text` seems to hold, by name ("a card number"); empty when nothing.
    public static func findings(_ text: String) -> [String] {
        var found: [String] = []
        let runs = digitRuns(text)
        if runs.contains(where: { (13...19).contains($0.count) && luhn($0) }) { found.append("a card number") }
        else if runs.contains(where: { $0.count >= 8 && $0.count <= 18 && !text.contains("+") }) { found.append("an account number") }
        if text.range(of: #"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"#, options: .regularExpression) != nil { found.append("an e-mail address") }
        if text.range(of: #"\+?\d[\d ()-]{7,}\d"#, options: .regularExpression) != nil, !found.contains("a card number"),
           !found.contains("an account number") {
            found.append("a phone number")
        }
        return found
    }

    /// Runs of digits, spaces and dashes inside a number (`4111 1111-1111 1111`), as digits.
    static func digitRuns(_ text: String) -> [[Int]] {
        var runs: [[Int]] = []
        var current: [Int] = []
        for character in text + " " {
            if let digit = character.wholeNumberValue, character.isASCII {
                current.append(digit)
            } else if (character == " " || character == "-") && !current.isEmpty {
                continue
            } else {
                if !current.isEmpty { runs.append(current) }
                current = []
            }
        }
        return runs
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (index, digit) in digits.reversed().enumerated() {
            let value = index % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }
}
