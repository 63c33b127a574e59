/// RFC 822 / 2822 dates as RSS and mail write them: `Mon, 23 Nov 2026 09:41:07 +0000`.
public enum RFC822 {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let zones: [String: Int] = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
                                       "mst": -420, "mdt": -360, "pst": -480, "pdt": -420]

    /// `Thu, 03 Dec 2026 13:40:00 +0000`, in UTC, as a mail's Date header.
    public static func string(fromMilliseconds ms: Int64) -> String {
        let iso = RFC3339.string(fromMilliseconds: ms - ms % 1000)
        let parts = iso.dropLast().split(separator: "T")
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let seconds = (ms >= 0 ? ms : ms - 999) / 1000
        let days = Int((seconds >= 0 ? seconds : seconds - 86_399) / 86_400)
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
        let day = date[2] < 10 ? "0\(date[2])" : "\(date[2])"
        let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][date[1] - 1]
        return "\(weekday), \(day) \(month) \(date[0]) \(parts[1]) +0000"
    }

    /// Unix milliseconds, or nil. The weekday is optional; a two-digit year is 19xx/20xx as RFC 2822 says.
    public static func milliseconds(from text: String) -> Int64? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        if let first = words.first, first.hasSuffix(",") || first.count == 3 && Int(first) == nil && months.firstIndex(of: first.lowercased()) == nil {
            words.removeFirst()
        }
        guard words.count >= 4, let day = Int(words[0]), let monthIndex = months.firstIndex(of: words[1].lowercased().prefix(3).description),
              var year = Int(words[2]) else { return nil }
        if words[2].count == 2 { year += year < 50 ? 2000 : 1900 }
        guard (1...9999).contains(year) else { return nil }
        let clock = words[3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0 != nil }) else { return nil }
        let (hour, minute, second) = (clock[0]!, clock[1]!, clock.count == 3 ? clock[2]! : 0)
        var offset = 0
        if words.count >= 5 {
            let zone = words[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
                offset = (sign == "-" ? -1 : 1) * (value / 100 * 60 + value % 100)
            } else if let known = zones[zone.lowercased()] {
                offset = known
            } else {
                return nil
            }
        }
        guard (1...12).contains(monthIndex + 1), (1...RFC3339.daysIn(month: monthIndex + 1, year: year)).contains(day),
              hour < 24, minute < 60, second <= 60 else { return nil }
        let days = RFC3339.daysFromCivil(year: year, month: monthIndex + 1, day: day)
        return (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offset * 60)) * 1000
    }
}
