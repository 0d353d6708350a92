import Foundation

/// Addresses on the web that come from outside (a linkback's source and target, a notice's,
/// a setting): absolute http(s) URLs with a host, of reasonable length.
public enum WebAddress {
    /// The longest address accepted, in UTF-8 bytes.
    public static let maximumURLLength = 2000

    /// An absolute http(s) URL with a host, of reasonable length, or nil.
    public static func url(_ text: String?) -> URL? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.utf8.count <= maximumURLLength,
            let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = url.host, !host.isEmpty
        else { return nil }
        return url
    }

    /// The same URL without its fragment.
    public static func withoutFragment(_ url: URL) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), components.fragment != nil else { return url }
        components.fragment = nil
        return components.url ?? url
    }
}
