import Foundation

/// The dates of feeds: RFC 3339 (Atom, JSON Feed) and RFC 822 as RSS writes it, in the forms
/// found in the wild (no weekday, no seconds, two-digit years, zone names or offsets).
struct FeedDateParser {
    private let internet: ISO8601DateFormatter
    private let fractional: ISO8601DateFormatter
    private let formatters: [DateFormatter]

    init() {
        internet = ISO8601DateFormatter()
        internet.formatOptions = [.withInternetDateTime]
        fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatters = [
            "EEE, d MMM yyyy HH:mm:ss zzz", "EEE, d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm:ss zzz", "d MMM yyyy HH:mm:ss Z",
            "EEE, d MMM yyyy HH:mm zzz", "EEE, d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm zzz", "d MMM yyyy HH:mm Z", "EEE, d MMM yy HH:mm:ss zzz",
            "EEE, d MMM yy HH:mm:ss Z",
            "yyyy-MM-dd'T'HH:mm:ssZ", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd",
        ].map { format in
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = format
            return formatter
        }
    }

    /// The date `text` gives, or nil when it is none of the forms.
    func date(_ text: String?) -> Date? {
        guard let text = FeedText.line(text, limit: 100) else { return nil }
        if let date = internet.date(from: text) ?? fractional.date(from: text) { return date }
        // RFC 822 zone letters beyond the ones DateFormatter knows: "UT" and "Z".
        var normalized = text
        if normalized.hasSuffix(" UT") || normalized.hasSuffix(" Z") {
            normalized = String(normalized[..<normalized.lastIndex(of: " ")!]) + " GMT"
        }
        for formatter in formatters {
            if let date = formatter.date(from: normalized) { return date }
        }
        return nil
    }
}
