/// RFC 3339 timestamps ↔ Unix milliseconds, without Foundation's slow formatters.
///
/// Every time heed stores is Unix milliseconds (UTC) in an INTEGER column: sortable, compact,
/// and free of time-zone surprises between operators' machines.
public enum RFC3339 {
    /// Parses `2026-11-23T09:41:07Z`, `…07.123+01:00`, a space instead of `T`, lowercase `t`/`z`.
    public static func milliseconds(from text: String) -> Int64? {
        var utf8 = Array(text.utf8)
        guard utf8.count >= 20 else { return nil }
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= utf8.count else { return nil }
            var value = 0
            for _ in 0..<width {
                let b = utf8[i]
                guard b >= 0x30 && b <= 0x39 else { return nil }
                value = value * 10 + Int(b - 0x30)
                i += 1
            }
            return value
        }
        func expect(_ chars: [UInt8]) -> Bool {
            guard i < utf8.count, chars.contains(utf8[i]) else { return false }
            i += 1
            return true
        }
        utf8.append(0)
        guard let year = number(4), expect([0x2D]), let month = number(2), expect([0x2D]), let day = number(2),
              expect([0x54, 0x74, 0x20]), let hour = number(2), expect([0x3A]), let minute = number(2),
              expect([0x3A]), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second <= 60 else { return nil }
        var millis = 0
        if utf8[i] == 0x2E {
            i += 1
            var digits = 0
            while utf8[i] >= 0x30 && utf8[i] <= 0x39 {
                if digits < 3 { millis = millis * 10 + Int(utf8[i] - 0x30) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offsetMinutes = 0
        switch utf8[i] {
        case 0x5A, 0x7A:
            i += 1
        case 0x2B, 0x2D:
            let sign = utf8[i] == 0x2D ? -1 : 1
            i += 1
            guard let oh = number(2), expect([0x3A]), let om = number(2), oh < 24, om < 60 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
        default:
            return nil
        }
        guard i == utf8.count - 1 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(millis)
    }

    /// Formats as `2026-11-23T09:41:07Z`, or with milliseconds when they are not zero.
    public static func string(fromMilliseconds ms: Int64) -> String {
        let (seconds, millis) = ms.quotientAndRemainder(dividingBy: 1000)
        let adjusted = millis < 0 ? (seconds - 1, millis + 1000) : (seconds, millis)
        let (days, secondOfDay) = adjusted.0.quotientAndRemainder(dividingBy: 86_400)
        let (d, s) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let (year, month, day) = civilFromDays(Int(d))
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(Int(s / 3600), 2)):\(pad(Int(s % 3600 / 60), 2)):\(pad(Int(s % 60), 2))"
        if adjusted.1 != 0 { text += ".\(pad(Int(adjusted.1), 3))" }
        return text + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
